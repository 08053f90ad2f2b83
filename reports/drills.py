"""Hands-on training and drills in the reports: per organisation of the coordinator's scope,
sessions held, people trained, the no-show rate and the units overdue on their drills.

Sessions count where they were organised (TrainingSession.organisation), once held: not
cancelled and ended. People trained are enrolments marked present or late; the no-show rate is
no_show / (present + late + no_show). One SQL statement per depth of the rows, as the
refreshers' roll-up does; the units overdue come from drills.drill_overview (drills.drill_rules
decides), two statements whatever the number of units.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.progress import add_months
from drills.drill_status import unit_statuses
from drills.models import Enrolment, TrainingSession
from drills.signoff_rollup import SkillFigure, skills_by_organisation

from .rollup import top_organisations

FIGURES = ("sessions", "trained", "no_shows", "units", "overdue_units")
TRAINED = (Enrolment.Attendance.PRESENT, Enrolment.Attendance.LATE)
CHART_MONTHS = 12


@dataclass
class DrillsRow:
    organisation: object
    sessions: int = 0
    trained: int = 0
    no_shows: int = 0
    units: int = 0
    overdue_units: int = 0

    @property
    def marked(self):
        return self.trained + self.no_shows

    @property
    def no_show_rate(self):
        """Percent of the people marked (present, late or no-show) who did not come; None
        when nobody was marked."""
        return round(100 * self.no_shows / self.marked) if self.marked else None


def _held_sessions(visible, path, now):
    return TrainingSession.objects.filter(
        organisation__in=visible.values("pk"),
        organisation__path__startswith=path,
        cancelled_at__isnull=True,
        ends_at__lte=now,
    )


def row_organisations(visible, parent):
    if parent is not None:
        return list(
            visible.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path")
        )
    return list(top_organisations(visible))


def drills_rollup(visible, parent, now=None):
    """Rows for the children of `parent` (or the scope's top organisations if None)."""
    now = now or timezone.now()
    rows_orgs = row_organisations(visible, parent)
    path = parent.path if parent is not None else ""
    by_prefix = {}
    for length in sorted({len(organisation.path) for organisation in rows_orgs}):
        figures = (
            _held_sessions(visible, path, now)
            .annotate(prefix=Substr("organisation__path", 1, length))
            .values("prefix")
            .annotate(
                sessions=Count("pk", distinct=True),
                trained=Count("enrolments", filter=Q(enrolments__attendance__in=TRAINED)),
                no_shows=Count(
                    "enrolments",
                    filter=Q(enrolments__attendance=Enrolment.Attendance.NO_SHOW),
                ),
            )
            .order_by()
        )
        for row in figures:
            by_prefix[row.pop("prefix")] = row
    rows = {
        organisation.path: DrillsRow(organisation, **by_prefix.get(organisation.path, {}))
        for organisation in rows_orgs
    }
    lengths = sorted({len(row_path) for row_path in rows})
    for status in unit_statuses(visible, path, timezone.localdate(now)):
        for length in lengths:
            row = rows.get(status.unit.path[:length])
            if row is not None:
                row.units += 1
                row.overdue_units += status.overdue
                break
    return sorted(rows.values(), key=lambda row: row.organisation.path)


def drills_totals(rows):
    total = DrillsRow(organisation=None)
    for row in rows:
        for name in FIGURES:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def sessions_by_month(visible, parent, now=None, months=CHART_MONTHS):
    """[(first of month, sessions held that month)] for the last `months` months (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = add_months(date(today.year, today.month, 1), 1 - months)
    path = parent.path if parent is not None else ""
    counts = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["count"]
        for row in _held_sessions(visible, path, now)
        .filter(ends_at__date__gte=first)
        .annotate(month=TruncMonth("ends_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return [
        (add_months(first, index), counts.get(add_months(first, index), 0))
        for index in range(months)
    ]


def skill_signoffs(visible, parent):
    """Per lesson and skill, the people whose latest verdict is 达标 / 未达标 below `parent`
    (every row organisation together), and the rows by organisation for the export."""
    rows = skills_by_organisation(visible, parent)
    totals = {}
    for row in rows:
        for figure in row.skills:
            total = totals.setdefault(
                (figure.lesson, figure.skill), SkillFigure(figure.lesson, figure.skill)
            )
            total.passed += figure.passed
            total.failed += figure.failed
    return {"skills": [totals[key] for key in sorted(totals)], "rows": rows}


def skill_signoff_lines(signoffs):
    """The export's sheet of sign-offs: one line per organisation and skill."""
    yield [
        _("Organisation"),
        _("Practical lesson"),
        _("Skill"),
        _("Passed (达标)"),
        _("Not passed (未达标)"),
    ]
    for row in signoffs["rows"]:
        for figure in row.skills:
            yield [row.organisation.name, figure.lesson, figure.skill, figure.passed, figure.failed]


COLUMNS = (
    _("Organisation"),
    _("Sessions held"),
    _("People trained"),
    _("No-shows"),
    _("No-show rate (%)"),
    _("Units"),
    _("Units overdue on drills"),
)


def table_values(row):
    name = row.organisation.name if row.organisation is not None else str(_("Total"))
    rate = row.no_show_rate
    return [
        name,
        row.sessions,
        row.trained,
        row.no_shows,
        "" if rate is None else rate,
        row.units,
        row.overdue_units,
    ]
