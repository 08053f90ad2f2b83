import json
import re

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from idempotency.submits import submit_once

from . import services
from .access import current_cycle_start, start_refusal
from .models import AnswerChoice, Attempt, Quiz
from .outcomes import outcomes_of
from .sheets import questions_in_order

ANSWER_FIELD = re.compile(r"^q(\d+)$")


def quiz_page(request, slug):
    """The quiz's introduction: its rules, the person's past attempts and the start button."""
    quiz = get_object_or_404(Quiz.objects.filter(live=True), slug=slug)
    attempts = []
    open_attempt = None
    if request.user.is_authenticated:
        attempts = list(quiz.attempts.filter(user=request.user).order_by("-started_at")[:20])
        open_attempt = next((a for a in attempts if a.is_open), None)
    graded = quiz.attempts.graded().filter(user=request.user).count() if attempts else 0
    refusal = None if open_attempt else start_refusal(request.user, quiz, graded_attempts=graded)
    done = [a for a in attempts if not a.is_open]
    cycle_start = current_cycle_start(request.user, quiz) if done else None
    current = [a for a in done if cycle_start is None or a.submitted_at >= cycle_start]
    return render(
        request,
        "quizzes/quiz.html",
        {
            "quiz": quiz,
            "attempts": current,
            "past_attempts": [a for a in done if a not in current],
            "open_attempt": open_attempt,
            "refusal": refusal,
            "attempts_left": max(0, quiz.attempts_allowed - graded)
            if quiz.attempts_allowed
            else None,
        },
    )


@require_POST
@login_required
def start_view(request, slug):
    quiz = get_object_or_404(Quiz.objects.filter(live=True), slug=slug)
    try:
        attempt = services.start_attempt(request.user, quiz)
    except services.StartRefused as refusal:
        return render(
            request, "quizzes/refused.html", {"quiz": quiz, "reason": refusal.message}, status=403
        )
    return redirect("quizzes:attempt", pk=attempt.pk)


def _own_attempt(request, pk):
    # Another person's attempt is a 404, the same as one that does not exist.
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=pk, user=request.user)


def _picks(attempt):
    picked = {}
    for question_id, choice_id in AnswerChoice.objects.filter(answer__attempt=attempt).values_list(
        "answer__question_id", "choice_id"
    ):
        picked.setdefault(question_id, set()).add(choice_id)
    return picked


def _open_sheet(attempt):
    """The questions of an open attempt with the learner's picks, or None once it is graded
    (an attempt past its deadline is graded here: the deadline submits)."""
    if attempt.is_open and attempt.is_past_deadline():
        services.grade_attempt(attempt)
        attempt.refresh_from_db()
    if not attempt.is_open:
        return None
    picked = _picks(attempt)
    items = questions_in_order(attempt)
    for item in items:
        chosen = picked.get(item["question"].id, set())
        item["options"] = [(c, c.id in chosen) for c in item["choices"]]
        item["answered"] = bool(chosen)
    return items


@login_required
def attempt_page(request, pk):
    """All questions on one page; answers autosave with script, or go with the one submit."""
    attempt = _own_attempt(request, pk)
    items = _open_sheet(attempt)
    if items is None:
        return redirect("quizzes:result", pk=attempt.pk)
    remaining = attempt.remaining_seconds()
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "remaining_seconds": remaining,
            "remaining_display": None
            if remaining is None
            else f"{remaining // 60}:{remaining % 60:02d}",
            "answered_count": sum(1 for i in items if i["answered"]),
        },
    )


def _json_error(message, status):
    return JsonResponse({"saved": False, "error": message}, status=status)


@require_POST
@login_required
def save_answer_view(request, pk):
    """Autosave of one question: {"question": id, "choices": [ids]} as JSON or form fields."""
    attempt = _own_attempt(request, pk)
    if request.content_type == "application/json":
        try:
            # RecursionError: json.loads of deeply nested brackets ("[[[[…") would end in a 500.
            data = json.loads(request.body or b"{}")
            question_id, choice_ids = data["question"], data.get("choices") or []
            if not isinstance(choice_ids, list):
                raise TypeError
        except (ValueError, KeyError, TypeError, RecursionError):
            return _json_error(_("The answer is not well formed."), 400)
    else:
        question_id = request.POST.get("question")
        choice_ids = request.POST.getlist("choices")
    try:
        services.save_answer(attempt, question_id, choice_ids)
    except services.AnswerRefused as error:
        return _json_error(error.message, 400)
    except services.AttemptClosed as error:
        return _json_error(error.message, 409)
    return JsonResponse({"saved": True, "saved_at": timezone.now().isoformat()})


def _posted_sheet(request, attempt):
    # The form is the whole answer sheet: a question with nothing ticked is unanswered.
    answers = {str(q): [] for q in attempt.question_ids}
    for key in request.POST:
        match = ANSWER_FIELD.match(key)
        if match:
            answers[match.group(1)] = request.POST.getlist(key)
    return answers


@login_required
def review_view(request, pk):
    """交卷's summary before grading: POST keeps the sheet (no script needed), GET shows it."""
    attempt = _own_attempt(request, pk)
    if request.method == "POST":
        try:
            services.save_sheet(attempt, _posted_sheet(request, attempt))
        except services.AnswerRefused as error:
            return render(
                request,
                "quizzes/refused.html",
                {"quiz": attempt.quiz, "reason": error.message, "attempt": attempt},
                status=400,
            )
        except services.AttemptClosed:
            return redirect("quizzes:result", pk=attempt.pk)
        return redirect("quizzes:review", pk=attempt.pk)
    items = _open_sheet(attempt)
    if items is None:
        return redirect("quizzes:result", pk=attempt.pk)
    unanswered = [i for i in items if not i["answered"]]
    remaining = attempt.remaining_seconds()
    return render(
        request,
        "quizzes/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "unanswered": unanswered,
            "answered_count": len(items) - len(unanswered),
            "remaining_seconds": remaining,
        },
    )


@require_POST
@login_required
@submit_once("quizzes.submit")
def submit_view(request, pk):
    """Grade once, whatever the number of clicks, tabs or retries; then show the result."""
    attempt = _own_attempt(request, pk)
    answers = _posted_sheet(request, attempt) if request.POST.get("form_answers") else None
    try:
        services.submit_attempt(attempt, answers)
    except services.AnswerRefused as error:
        return render(
            request,
            "quizzes/refused.html",
            {"quiz": attempt.quiz, "reason": error.message, "attempt": attempt},
            status=400,
        )
    return redirect("quizzes:result", pk=attempt.pk)


@login_required
def result_page(request, pk):
    """Score, pass or fail, the review the quiz allows, and a retry while attempts remain."""
    attempt = _own_attempt(request, pk)
    if attempt.is_open:
        if not attempt.is_past_deadline():
            return redirect("quizzes:attempt", pk=attempt.pk)
        services.grade_attempt(attempt)
        attempt.refresh_from_db()
    level = attempt.review_level()
    show_right_wrong = level in ("right_wrong", "explanations")
    show_explanations = level == "explanations"
    review = []
    if show_right_wrong:
        picked = _picks(attempt)
        correctness = dict(attempt.answers.values_list("question_id", "is_correct"))
        for item in questions_in_order(attempt):
            chosen = picked.get(item["question"].id, set())
            # The key the attempt was graded with, which a later fix in the bank does not change.
            key = set(attempt.answer_key.get(str(item["question"].id), ()))
            item["options"] = [(c, c.id in chosen, c.id in key) for c in item["choices"]]
            item["is_correct"] = bool(correctness.get(item["question"].id))
            item["answered"] = bool(chosen)
            review.append(item)
    quiz = attempt.quiz
    wrong_only = request.GET.get("wrong") == "1"
    wrong_count = sum(1 for item in review if not item["is_correct"])
    if wrong_only:
        review = [item for item in review if not item["is_correct"]]
    outcomes = outcomes_of(attempt) if attempt.passed else []
    # A pass that completed its course is a finish: no retry offered there.
    finished = any(o["complete"] for o in outcomes)
    return render(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "review": review,
            "show_right_wrong": show_right_wrong,
            "show_explanations": show_explanations,
            "can_retry": not finished and start_refusal(request.user, quiz) is None,
            "outcomes": outcomes,
            "finished": finished,
            "wrong_only": wrong_only,
            "wrong_count": wrong_count,
        },
    )
