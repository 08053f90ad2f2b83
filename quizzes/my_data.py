"""My data (/account/): the person's quiz attempts and their answers.

Right or wrong is given only where the quiz's review policy would show it on the result
page: an export must not hand out what the exam keeps back (the question bank's key).
"""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from accounts.my_data import SectionData, register_section

from .models import Answer, AnswerChoice, Attempt, Quiz


def attempt_section(user):
    attempts = Attempt.objects.filter(user=user).select_related("quiz").order_by("-started_at")
    return SectionData(
        columns=[
            ("attempt", _("attempt")),
            ("quiz", _("quiz")),
            ("started_at", _("started")),
            ("submitted_at", _("Handed in")),
            ("status", _("status")),
            ("score", _("score")),
            ("passed", _("Passed")),
        ],
        rows=[
            {
                "attempt": str(attempt.pk),
                "quiz": attempt.quiz.title,
                "started_at": attempt.started_at,
                "submitted_at": attempt.submitted_at or "",
                "status": str(attempt.get_status_display()),
                "score": "" if attempt.score is None else attempt.score,
                "passed": _yes_no(attempt.passed),
            }
            for attempt in attempts
        ],
    )


def _yes_no(flag):
    return "" if flag is None else str(_("yes") if flag else _("no"))


def _reviewable_quiz_ids(user, attempts):
    """Quizzes whose result page shows right and wrong to this person."""
    passed = set(
        Attempt.objects.graded().filter(user=user, passed=True).values_list("quiz_id", flat=True)
    )
    shown = set()
    for attempt in attempts:
        policy = attempt.quiz.review_policy
        if policy in (Quiz.Review.RIGHT_WRONG, Quiz.Review.EXPLANATIONS) or (
            policy == Quiz.Review.ONCE_PASSED and attempt.quiz_id in passed
        ):
            shown.add(attempt.quiz_id)
    return shown


def answer_section(user):
    answers = list(
        Answer.objects.filter(attempt__user=user)
        .select_related("attempt__quiz", "question")
        .order_by("-attempt__started_at", "id")
    )
    picks = defaultdict(list)
    for answer_id, text in (
        AnswerChoice.objects.filter(answer__attempt__user=user)
        .order_by("choice__sort_order", "choice_id")
        .values_list("answer_id", "choice__text")
    ):
        picks[answer_id].append(text)
    shown = _reviewable_quiz_ids(user, {a.attempt for a in answers})
    return SectionData(
        columns=[
            ("attempt", _("attempt")),
            ("quiz", _("quiz")),
            ("question", _("question")),
            ("choices", _("Your answer")),
            ("right", _("Right")),
        ],
        rows=[
            {
                "attempt": str(answer.attempt_id),
                "quiz": answer.attempt.quiz.title,
                "question": answer.question.stem,
                "choices": picks[answer.pk],
                "right": _yes_no(answer.is_correct) if answer.attempt.quiz_id in shown else "",
            }
            for answer in answers
        ],
    )


register_section("quiz_attempts", _("Quiz attempts"), attempt_section, order=30)
register_section("quiz_answers", _("Quiz answers"), answer_section, order=31)
