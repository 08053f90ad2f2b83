"""Re-grading after a key fix: an editor's explicit, audited action, never a side effect.

Attempts keep the key they were drawn with (Attempt.answer_key), so fixing a question's right
choices in the bank changes nothing graded. When the old key was wrong, an editor with the
permission quizzes.regrade_attempt re-grades that question's graded attempts with the current
key: this module works out which grades change (the preview) and applies them (the confirm).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from wagtail.log_actions import log

from .models import Answer, AnswerChoice, Attempt
from .signals import attempts_regraded

ACTION = "firesafety.quiz.regrade"
# The audit entry lists at most this many attempts; the count is always complete.
AUDIT_LISTED_ATTEMPTS = 1000


@dataclass
class RegradedAttempt:
    """One graded attempt whose key for the question differs from the bank's key now."""

    attempt: Attempt
    answer: Answer
    now_correct: bool
    old_correct_count: int
    old_score: int
    old_passed: bool
    new_correct_count: int
    new_score: int
    new_passed: bool

    @property
    def changed(self):
        return (self.old_correct_count, self.old_passed) != (
            self.new_correct_count,
            self.new_passed,
        )


def _score(correct, total, pass_mark):
    score = (correct * 100) // total if total else 0
    return score, correct * 100 >= pass_mark * total


def plan_regrade(question):
    """Every graded attempt holding an outdated key for the question, with its new grade.

    A fixed number of queries whatever the number of attempts: the answers with their attempt
    and each attempt's number of graded questions, then the picks.
    """
    key = set(question.right_choice_ids())
    answers = list(
        Answer.objects.filter(question=question, attempt__status=Attempt.Status.GRADED)
        .select_related("attempt__quiz", "attempt__user")
        .order_by("attempt__submitted_at", "attempt_id")
    )
    outdated = [a for a in answers if set(a.attempt.answer_key.get(str(question.pk), ())) != key]
    if not outdated:
        return []
    totals = dict(
        Answer.objects.filter(attempt_id__in=[a.attempt_id for a in outdated])
        .values("attempt_id")
        .annotate(n=Count("id"))
        .values_list("attempt_id", "n")
    )
    picked = defaultdict(set)
    for answer_id, choice_id in AnswerChoice.objects.filter(
        answer_id__in=[a.pk for a in outdated]
    ).values_list("answer_id", "choice_id"):
        picked[answer_id].add(choice_id)
    plan = []
    for answer in outdated:
        attempt = answer.attempt
        now_correct = bool(key) and picked[answer.pk] == key
        correct = attempt.correct_count - bool(answer.is_correct) + now_correct
        score, passed = _score(correct, totals[attempt.pk], attempt.effective_pass_mark)
        plan.append(
            RegradedAttempt(
                attempt=attempt,
                answer=answer,
                now_correct=now_correct,
                old_correct_count=attempt.correct_count,
                old_score=attempt.score,
                old_passed=bool(attempt.passed),
                new_correct_count=correct,
                new_score=score,
                new_passed=passed,
            )
        )
    return plan


def regrade_question(question, editor):
    """Apply the current key to the question's graded attempts; returns the plan applied.

    All or nothing, in one transaction: the attempts' keys, answers and grades, and one audit
    entry on the question listing the attempts whose grade changed (old and new scores).
    """
    with transaction.atomic():
        # Lock the attempts first, so a grade cannot change between the plan and the write.
        list(
            Attempt.objects.select_for_update(of=("self",))
            .filter(answers__question=question, status=Attempt.Status.GRADED)
            .values_list("pk", flat=True)
        )
        plan = plan_regrade(question)
        if not plan:
            return plan
        key = question.right_choice_ids()
        for item in plan:
            attempt = item.attempt
            attempt.answer_key = {**attempt.answer_key, str(question.pk): key}
            attempt.question_revisions = {
                **attempt.question_revisions,
                str(question.pk): question.live_revision_id,
            }
            attempt.correct_count = item.new_correct_count
            attempt.score = item.new_score
            attempt.passed = item.new_passed
            item.answer.is_correct = item.now_correct
        Attempt.objects.bulk_update(
            [item.attempt for item in plan],
            ["answer_key", "question_revisions", "correct_count", "score", "passed"],
        )
        Answer.objects.bulk_update([item.answer for item in plan], ["is_correct"])
        changed = [item for item in plan if item.changed]
        log(
            instance=question,
            action=ACTION,
            user=editor,
            data={
                "question": question.pk,
                "revision": question.live_revision_id,
                "key": key,
                "rekeyed": len(plan),
                "changed": len(changed),
                "attempts": [
                    {
                        "attempt": str(item.attempt.pk),
                        "user": item.attempt.user_id,
                        "quiz": item.attempt.quiz_id,
                        "old_score": item.old_score,
                        "new_score": item.new_score,
                        "old_passed": item.old_passed,
                        "new_passed": item.new_passed,
                    }
                    for item in changed[:AUDIT_LISTED_ATTEMPTS]
                ],
            },
        )
        if changed:
            transaction.on_commit(lambda: attempts_regraded.send(sender=Attempt, changes=changed))
    return plan
