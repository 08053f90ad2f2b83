"""What a quiz's draw can give, worked out before any attempt: the editor's pool read-out.

draw_questions takes the drawable fixed questions first, then each draw rule in order samples
from its pool less what is already chosen. So a rule's pool shrinks by the fixed questions in it
and by whatever earlier rules may have drawn from it; the plan counts the worst case, because a
rule that is short only in some draws still gives some learners fewer questions.
"""

from dataclasses import dataclass, field

from .models import Question


@dataclass
class RulePlan:
    """One draw rule against its pool: the pool's size and how much of it may be gone."""

    tag_id: int
    difficulty: int | None
    count: int
    pool_size: int  # drawable questions of the rule's topic (and difficulty)
    taken: int  # of those, at most this many already chosen by fixed questions or earlier rules

    @property
    def available(self):
        return self.pool_size - self.taken

    @property
    def short(self):
        return self.count > self.available

    @property
    def guaranteed(self):
        return min(self.count, self.available)


@dataclass
class DrawPlan:
    """The fixed questions a learner will get and each rule's plan, in the draw's order."""

    fixed_drawable: int
    fixed_not_drawable: list = field(default_factory=list)  # question ids a learner never gets
    rules: list = field(default_factory=list)

    @property
    def question_count(self):
        """At least this many questions in every attempt (exactly, when no rule is short)."""
        return self.fixed_drawable + sum(rule.guaranteed for rule in self.rules)

    @property
    def is_empty(self):
        return self.question_count == 0


def plan_draw(fixed_question_ids, rules):
    """The plan for fixed question ids (in order) and rules [(tag_id, difficulty, count)]."""
    fixed = list(dict.fromkeys(q for q in fixed_question_ids if q))
    drawable = set(Question.objects.drawable().filter(id__in=fixed).values_list("id", flat=True))
    plan = DrawPlan(
        fixed_drawable=len(drawable),
        fixed_not_drawable=[q for q in fixed if q not in drawable],
    )
    earlier = []  # (count, pool less the fixed questions) of the rules before
    for tag_id, difficulty, count in rules:
        pool = set(Question.objects.pool(tag_id, difficulty).values_list("id", flat=True))
        open_pool = pool - drawable
        # Each earlier rule takes at most its count, and only what lies in both pools; all of
        # them together take no more than the part of this pool that any of them can reach.
        by_count = sum(min(n, len(open_pool & other)) for n, other in earlier)
        reachable = len(open_pool & set().union(*(other for _, other in earlier)))
        plan.rules.append(
            RulePlan(
                tag_id=tag_id,
                difficulty=difficulty or None,
                count=count,
                pool_size=len(pool),
                taken=len(pool & drawable) + min(by_count, reachable),
            )
        )
        earlier.append((count, open_pool))
    return plan


def plan_for_quiz(quiz):
    """The plan of a quiz as it is (saved, or built in memory by the editor's form)."""
    fixed = quiz.fixed_questions.order_by("sort_order").values_list("question_id", flat=True)
    rules = quiz.draw_rules.order_by("sort_order")
    rules = [(rule.tag_id, rule.difficulty, rule.count) for rule in rules]
    return plan_draw(list(fixed), rules)
