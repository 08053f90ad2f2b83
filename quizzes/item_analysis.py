"""Item analysis of the question bank: which questions look wrong, from graded answers.

Right and wrong are judged against the key each attempt recorded when it was drawn, so a key
fixed since does not hide the evidence that it was wrong. Four queries whatever the bank's size.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Answer, AnswerChoice, Attempt, Choice, Question

DEFAULT_MIN_ANSWERS = 30
VERY_WRONG_PERCENT = 90


def min_answers():
    return getattr(settings, "QUIZ_STATISTICS_MIN_ANSWERS", DEFAULT_MIN_ANSWERS)


def point_biserial(correct, scores):
    """Point-biserial correlation of 0/1 correctness with scores; None when undefined."""
    n = len(scores)
    right = [s for c, s in zip(correct, scores, strict=True) if c]
    wrong = [s for c, s in zip(correct, scores, strict=True) if not c]
    if not right or not wrong:
        return None
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / n)
    if sd == 0:
        return None
    p = len(right) / n
    return (sum(right) / len(right) - sum(wrong) / len(wrong)) / sd * math.sqrt(p * (1 - p))


@dataclass
class OptionStat:
    choice_id: int
    letter: str
    text: str
    keyed: bool
    picked: int
    share: int


@dataclass
class ItemStat:
    question: Question
    answered: int
    right: int
    difficulty: float
    discrimination: float | None
    options: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    reasons: list = field(default_factory=list)

    @property
    def difficulty_percent(self):
        return round(self.difficulty * 100)

    @property
    def flagged(self):
        return bool(self.flags)


def _letter(index):
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def analyse(question_ids=None):
    """ItemStat for every question with at least min_answers() graded answers."""
    graded = Attempt.objects.graded().filter(score__isnull=False)
    attempts = dict(graded.values_list("id", "answer_key"))
    scores = dict(graded.values_list("id", "score"))
    picks = defaultdict(set)
    answer_rows = {}
    answers = Answer.objects.filter(attempt__in=graded)
    if question_ids is not None:
        answers = answers.filter(question_id__in=question_ids)
    rows = answers.values_list("id", "question_id", "attempt_id")
    for answer_id, question_id, attempt_id in rows:
        answer_rows[answer_id] = (question_id, attempt_id)
    for answer_id, choice_id in AnswerChoice.objects.filter(answer__in=answers).values_list(
        "answer_id", "choice_id"
    ):
        picks[answer_id].add(choice_id)

    by_question = defaultdict(list)
    for answer_id, (question_id, _attempt) in answer_rows.items():
        by_question[question_id].append(answer_id)
    enough = {q: ids for q, ids in by_question.items() if len(ids) >= min_answers()}
    if not enough:
        return []
    questions = Question.objects.in_bulk(enough)
    choices = defaultdict(list)
    for choice in Choice.objects.filter(question_id__in=enough).order_by("sort_order", "pk"):
        choices[choice.question_id].append(choice)

    stats = []
    for question_id, answer_ids in enough.items():
        correct, item_scores = [], []
        picked = defaultdict(int)
        keyed_count = defaultdict(int)
        for answer_id in answer_ids:
            attempt_id = answer_rows[answer_id][1]
            key = set((attempts.get(attempt_id) or {}).get(str(question_id), []))
            for choice_id in key:
                keyed_count[choice_id] += 1
            chosen = picks.get(answer_id, set())
            for choice_id in chosen:
                picked[choice_id] += 1
            correct.append(bool(key) and chosen == key)
            item_scores.append(scores[attempt_id])
        n = len(answer_ids)
        item = ItemStat(
            question=questions[question_id],
            answered=n,
            right=sum(correct),
            difficulty=sum(correct) / n,
            discrimination=point_biserial(correct, item_scores),
        )
        for index, choice in enumerate(choices[question_id]):
            item.options.append(
                OptionStat(
                    choice_id=choice.pk,
                    letter=_letter(index),
                    text=choice.text,
                    # The key most attempts drew: a key fixed midway counts as it mostly was.
                    keyed=keyed_count[choice.pk] * 2 > n,
                    picked=picked[choice.pk],
                    share=round(picked[choice.pk] * 100 / n),
                )
            )
        _flag(item)
        stats.append(item)
    stats.sort(key=lambda item: (not item.flagged, item.difficulty, item.question.pk))
    return stats


def flagged(question_ids=None):
    return [item for item in analyse(question_ids) if item.flagged]


def _flag(item):
    rate = item.difficulty_percent
    if item.discrimination is not None and item.discrimination < 0:
        item.flags.append("negative_discrimination")
        item.reasons.append(
            _("Discrimination %(value).2f: learners with high scores get it wrong more often")
            % {"value": item.discrimination}
        )
    keyed = [o for o in item.options if o.keyed]
    wrong = [o for o in item.options if not o.keyed]
    most_keyed = max((o.picked for o in keyed), default=0)
    lure = max(wrong, key=lambda o: o.picked, default=None)
    if lure is not None and lure.picked > most_keyed:
        item.flags.append("lure_beats_key")
        item.reasons.append(
            _("Right answer rate %(rate)s%%, most learners chose %(letter)s: check the key")
            % {"rate": rate, "letter": lure.letter}
        )
    if (item.answered - item.right) * 100 >= VERY_WRONG_PERCENT * item.answered:
        item.flags.append("mostly_wrong")
        item.reasons.append(_("%(rate)s%% of learners got it wrong") % {"rate": 100 - rate})
    for option in item.options:
        if option.picked == 0:
            if "unpicked_option" not in item.flags:
                item.flags.append("unpicked_option")
            item.reasons.append(
                _("Nobody chose %(letter)s: the option does not work") % {"letter": option.letter}
            )
