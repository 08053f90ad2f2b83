"""Skills sign-off in the reports: per organisation and skill, the people 达标 and 未达标.

Each person counts once per skill, by their latest verdict on it (a later session's re-test
replaces an earlier 未达标), at the organisation that ran the session of that verdict. One SQL
statement per depth of the rows, grouped by the row organisation's path prefix, as the reports'
roll-ups do (reports/refreshers.py); the reports app calls skills_by_organisation.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr

from organisations.scope import scope_roots

from .models import SkillSignOff


@dataclass
class SkillFigure:
    lesson: str
    skill: str
    passed: int = 0
    failed: int = 0

    @property
    def total(self):
        return self.passed + self.failed


@dataclass
class SkillRollupRow:
    organisation: object
    skills: list = field(default_factory=list)  # [SkillFigure], by lesson and skill title

    @property
    def passed(self):
        return sum(figure.passed for figure in self.skills)

    @property
    def failed(self):
        return sum(figure.failed for figure in self.skills)


def latest_signoffs(visible, path):
    """Each person's latest verdict per lesson and skill, of sessions run in `visible` under
    `path` (a later verdict elsewhere still makes an earlier one here not the latest)."""
    later = SkillSignOff.objects.filter(
        user=OuterRef("user"), lesson=OuterRef("lesson"), skill_id=OuterRef("skill_id")
    ).filter(
        Q(signed_at__gt=OuterRef("signed_at"))
        | Q(signed_at=OuterRef("signed_at"), pk__gt=OuterRef("pk"))
    )
    return SkillSignOff.objects.filter(
        enrolment__session__organisation__in=visible.values("pk"),
        enrolment__session__organisation__path__startswith=path,
    ).filter(~Exists(later))


def skills_by_organisation(visible, parent):
    """[SkillRollupRow] for the children of `parent` (or the scope's top organisations if None)."""
    if parent is not None:
        row_orgs = list(visible.filter(path__startswith=parent.path, depth=parent.depth + 1))
        path = parent.path
    else:
        row_orgs = list(scope_roots(visible).order_by("path"))
        path = ""
    figures = {}
    for length in sorted({len(organisation.path) for organisation in row_orgs}):
        counted = (
            latest_signoffs(visible, path)
            .annotate(prefix=Substr("enrolment__session__organisation__path", 1, length))
            .values("prefix", "lesson__title", "skill_title")
            .annotate(
                # Not named passed/failed: that would shadow the field the filters read.
                people_passed=Count("user", distinct=True, filter=Q(passed=True)),
                people_failed=Count("user", distinct=True, filter=Q(passed=False)),
            )
            .order_by()
        )
        for row in counted:
            figures.setdefault(row["prefix"], []).append(
                SkillFigure(
                    row["lesson__title"],
                    row["skill_title"],
                    row["people_passed"],
                    row["people_failed"],
                )
            )
    return [
        SkillRollupRow(
            organisation,
            sorted(figures.get(organisation.path, []), key=lambda f: (f.lesson, f.skill)),
        )
        for organisation in sorted(row_orgs, key=lambda org: org.path)
    ]
