"""Writes of the quizzes app: start an attempt, save an answer, submit and grade."""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import start_refusal
from .models import Answer, AnswerChoice, Attempt, Choice, Question
from .signals import attempt_graded

_random = secrets.SystemRandom()


class QuizError(Exception):
    """A request the rules refuse; the message is for the learner."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class StartRefused(QuizError):
    pass


class AnswerRefused(QuizError):
    """The answer names a question or choice that is not part of the attempt."""


class AttemptClosed(QuizError):
    """The attempt is graded or past its deadline: nothing more is saved."""


@dataclass
class Draw:
    """What a new attempt is given: questions and choice order, and the key as it is now."""

    question_ids: list
    choice_order: dict = field(default_factory=dict)
    key: dict = field(default_factory=dict)  # {question id: [right choice ids]}
    revisions: dict = field(default_factory=dict)  # {question id: revision id or None}


def draw_questions(quiz, rng=_random):
    """The questions of a new attempt, each one's choices in display order, and their key."""
    # Ids, not a join: the editor's preview draws from a quiz its form built in memory.
    fixed = list(quiz.fixed_questions.order_by("sort_order").values_list("question_id", flat=True))
    drawable = set(Question.objects.drawable().filter(id__in=fixed).values_list("id", flat=True))
    chosen = list(dict.fromkeys(q for q in fixed if q in drawable))
    for rule in quiz.draw_rules.order_by("sort_order"):
        pool = Question.objects.pool(rule.tag_id, rule.difficulty).exclude(id__in=chosen)
        ids = sorted(set(pool.values_list("id", flat=True)))
        chosen += rng.sample(ids, min(rule.count, len(ids)))
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    drawn = Draw(chosen)
    kinds = {}
    for question_id, kind, revision_id in Question.objects.filter(id__in=chosen).values_list(
        "id", "kind", "live_revision_id"
    ):
        kinds[question_id] = kind
        drawn.revisions[str(question_id)] = revision_id
    order = defaultdict(list)
    for question_id, choice_id, is_correct in (
        Choice.objects.filter(question_id__in=chosen)
        .order_by("question_id", "sort_order", "id")
        .values_list("question_id", "id", "is_correct")
    ):
        order[question_id].append(choice_id)
        if is_correct:
            drawn.key.setdefault(str(question_id), []).append(choice_id)
    drawn.question_ids = [q for q in chosen if len(order[q]) >= 2]
    if quiz.shuffle_choices:
        # 正确/错误 keeps its order: a shuffled true/false only confuses.
        for question_id in drawn.question_ids:
            if kinds[question_id] != Question.Kind.TRUE_FALSE:
                rng.shuffle(order[question_id])
    drawn.choice_order = {str(q): order[q] for q in drawn.question_ids}
    kept = set(drawn.choice_order)
    drawn.key = {q: sorted(drawn.key.get(q, [])) for q in kept}
    drawn.revisions = {q: r for q, r in drawn.revisions.items() if q in kept}
    return drawn


def start_attempt(user, quiz, now=None):
    """The person's open attempt of this quiz, or a new one with its questions drawn."""
    now = now or timezone.now()
    with transaction.atomic():
        # One person's starts queue up here, so the open-attempt check and the limit hold.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        current = (
            Attempt.objects.select_for_update()
            .filter(user=user, quiz=quiz, status=Attempt.Status.OPEN)
            .first()
        )
        if current is not None:
            if not current.is_past_deadline(now):
                return current
            _grade_locked(current, now)
        reason = start_refusal(user, quiz)
        if reason:
            raise StartRefused(reason)
        drawn = draw_questions(quiz)
        if not drawn.question_ids:
            raise StartRefused(_("This quiz has no questions yet."))
        deadline = None
        if quiz.time_limit_minutes:
            deadline = now + timezone.timedelta(minutes=quiz.time_limit_minutes)
        try:
            with transaction.atomic():
                return Attempt.objects.create(
                    user=user,
                    quiz=quiz,
                    question_ids=drawn.question_ids,
                    choice_order=drawn.choice_order,
                    answer_key=drawn.key,
                    question_revisions=drawn.revisions,
                    pass_mark=quiz.pass_mark,
                    started_at=now,
                    deadline=deadline,
                )
        except IntegrityError:
            # Another request created it first (the unique constraint on open attempts).
            return Attempt.objects.get(user=user, quiz=quiz, status=Attempt.Status.OPEN)


def _lock(attempt):
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


def _refuse_if_closed(attempt, now):
    if not attempt.is_open:
        raise AttemptClosed(_("This attempt has already been submitted."))
    if attempt.is_past_deadline(now):
        raise AttemptClosed(_("Time is up: answers are no longer saved."))


def _as_id(value):
    """A question or choice id as posted (JSON number or text) or AnswerRefused.

    Lists, objects, booleans, fractions, NaN, 1e999 and numbers past a bigint are refused before
    they reach int() or the database.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    if type(value) is int and 0 < value < 2**63:
        return value
    raise AnswerRefused(_("The answer is not well formed."))


def _validated(attempt, answers):
    """answers {question id: [choice ids]} checked against the attempt; refused if any is bad.

    A question or choice an editor has deleted since the attempt started is dropped quietly.
    """
    allowed = attempt.choice_order
    clean = {}
    for question_id, choice_ids in answers.items():
        question_id = _as_id(question_id)
        choice_ids = sorted({_as_id(c) for c in choice_ids})
        if str(question_id) not in allowed:
            raise AnswerRefused(_("That question is not part of this attempt."))
        if not set(choice_ids) <= set(allowed[str(question_id)]):
            raise AnswerRefused(_("That choice does not belong to the question."))
        clean[question_id] = choice_ids
    if not clean:
        return clean
    kinds = dict(Question.objects.filter(id__in=list(clean)).values_list("id", "kind"))
    live_choices = set(
        Choice.objects.filter(question_id__in=list(kinds)).values_list("id", flat=True)
    )
    clean = {q: [c for c in ids if c in live_choices] for q, ids in clean.items() if q in kinds}
    if any(len(ids) > 1 and kinds[q] != Question.Kind.MULTIPLE for q, ids in clean.items()):
        raise AnswerRefused(_("Only one choice may be picked for this question."))
    return clean


def _store(attempt, answers, now):
    """Replace the picks of the given questions in a fixed number of queries."""
    if not answers:
        return
    Answer.objects.bulk_create(
        [Answer(attempt=attempt, question_id=q, saved_at=now) for q in answers],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["saved_at"],
    )
    answer_ids = dict(
        Answer.objects.filter(attempt=attempt, question_id__in=list(answers)).values_list(
            "question_id", "id"
        )
    )
    AnswerChoice.objects.filter(answer_id__in=answer_ids.values()).delete()
    AnswerChoice.objects.bulk_create(
        [
            AnswerChoice(answer_id=answer_ids[q], choice_id=c)
            for q, choice_ids in answers.items()
            for c in choice_ids
        ]
    )


def save_answer(attempt, question_id, choice_ids, now=None):
    """Save the learner's current choices for one question of an open attempt."""
    now = now or timezone.now()
    question_id = _as_id(question_id)
    with transaction.atomic():
        attempt = _lock(attempt)
        _refuse_if_closed(attempt, now)
        _store(attempt, _validated(attempt, {question_id: choice_ids}), now)
    return attempt


def save_sheet(attempt, answers, now=None):
    """Keep the whole posted answer sheet of an open attempt without grading it (交卷's summary)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(attempt)
        _refuse_if_closed(attempt, now)
        _store(attempt, _validated(attempt, answers), now)
    return attempt


def submit_attempt(attempt, answers=None, now=None):
    """Grade the attempt once; answers posted with the submit count only before the deadline.

    Returns (attempt, graded_now): a second submit changes nothing and returns False.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(attempt)
        if not attempt.is_open:
            return attempt, False
        if answers is not None and not attempt.is_past_deadline(now):
            _store(attempt, _validated(attempt, answers), now)
        return attempt, _grade_locked(attempt, now)


def grade_attempt(attempt, now=None):
    """Grade an open attempt with what was saved (e.g. one left open past its deadline)."""
    return submit_attempt(attempt, None, now)


def _grade_locked(attempt, now):
    # Questions deleted from the bank since the start no longer count.
    live = set(Question.objects.filter(id__in=attempt.question_ids).values_list("id", flat=True))
    question_ids = [q for q in attempt.question_ids if q in live]
    Answer.objects.bulk_create(
        [Answer(attempt=attempt, question_id=q, saved_at=now) for q in question_ids],
        ignore_conflicts=True,
    )
    # The key the attempt was drawn with, not the bank's flags of today.
    right = {q: set(attempt.answer_key.get(str(q), ())) for q in question_ids}
    picked = defaultdict(set)
    for question_id, choice_id in AnswerChoice.objects.filter(answer__attempt=attempt).values_list(
        "answer__question_id", "choice_id"
    ):
        picked[question_id].add(choice_id)
    # Multiple choice counts only when exactly the right set is picked.
    correct = [q for q in question_ids if right[q] and picked[q] == right[q]]
    answers = Answer.objects.filter(attempt=attempt)
    answers.filter(question_id__in=correct).update(is_correct=True)
    answers.exclude(question_id__in=correct).update(is_correct=False)
    total = len(question_ids)
    score = (len(correct) * 100) // total if total else 0
    passed = len(correct) * 100 >= attempt.effective_pass_mark * total
    submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    # The conditional UPDATE is the last guard: only the request that moves it out of "open" grades.
    updated = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.OPEN).update(
        status=Attempt.Status.GRADED,
        correct_count=len(correct),
        score=score,
        passed=passed,
        submitted_at=submitted_at,
    )
    if not updated:
        return False
    attempt.status = Attempt.Status.GRADED
    attempt.correct_count, attempt.score, attempt.passed = len(correct), score, passed
    attempt.submitted_at = submitted_at
    # In the grading transaction, not after its commit: a worker killed between the two would
    # leave a passed quiz with its lesson never completed, and a retry finds it already graded.
    attempt_graded.send(sender=Attempt, attempt=attempt)
    return True


def import_questions(rows, *, batch=None):
    """Save checked import rows in one transaction; a question already in the bank is skipped.

    rows are ImportRow.as_data() dicts. With a batch (an editor's upload) the questions are
    drafts of that batch, each submitted to review by the uploader, and none is drawn before a
    reviewer approves it; without one (the demo's vetted bank) they are live at once.
    Returns the number of questions created.
    """
    from wagtail.log_actions import log
    from wagtail.search import index

    from .models import QuestionTag, TaggedQuestion, stem_hash
    from .review import submit_for_review

    live = batch is None
    now = timezone.now()
    user = batch.imported_by if batch else None
    with transaction.atomic():
        existing = set(
            Question.objects.filter(stem_hash__in=[stem_hash(r["stem"]) for r in rows]).values_list(
                "stem_hash", flat=True
            )
        )
        fresh = []
        for row in rows:
            digest = stem_hash(row["stem"])
            if digest in existing:
                continue
            existing.add(digest)
            fresh.append(row)
        questions = Question.objects.bulk_create(
            [
                Question(
                    kind=r["kind"],
                    stem=r["stem"],
                    explanation=r["explanation"],
                    difficulty=r["difficulty"],
                    stem_hash=stem_hash(r["stem"]),
                    live=live,
                    has_unpublished_changes=not live,
                    first_published_at=now if live else None,
                    last_published_at=now if live else None,
                    imported_in=batch,
                )
                for r in fresh
            ]
        )
        Choice.objects.bulk_create(
            [
                Choice(
                    question=question,
                    text=text[:500],
                    is_correct="ABCDEFGH"[position] in row["answer"],
                    sort_order=position,
                )
                for question, row in zip(questions, fresh, strict=True)
                for position, text in enumerate(row["choices"])
            ]
        )
        names = {name for row in fresh for name in row["tags"]}
        tags = {t.name: t for t in QuestionTag.objects.filter(name__in=names)}
        for name in names - set(tags):
            tags[name] = QuestionTag.objects.create(name=name)
        TaggedQuestion.objects.bulk_create(
            [
                TaggedQuestion(content_object=question, tag=tags[name])
                for question, row in zip(questions, fresh, strict=True)
                for name in dict.fromkeys(row["tags"])
            ]
        )
        for question in questions:
            # The revision is what review compares and publishes, and what attempts cite.
            revision = question.save_revision(user=user, clean=False, changed=not live)
            if live:
                Question.objects.filter(pk=question.pk).update(live_revision=revision)
            else:
                log(instance=question, action="wagtail.create", user=user, revision=revision)
                submit_for_review(question, user)
            index.insert_or_update_object(question)
    return len(questions)
