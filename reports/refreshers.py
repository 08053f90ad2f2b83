"""Targeted refresher training (针对性培训) in the reports: assigned lessons by organisation.

Each assignment counts at the organisation it was made in (the person's unit), under the status
rule 我的学习 shows (courses.assignments.status_conditions: completed, overdue, not started), in
one SQL statement per depth of the rows, as the requirements' roll-up does.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr

from courses.assignments import assignment_status, status_conditions
from courses.models import LessonAssignment
from courses.progress import Status

from .rollup import moment_of, top_organisations

FIGURES = ("assigned", "completed", "overdue", "not_started")


@dataclass
class RefresherRow:
    organisation: object
    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    not_started: int = 0

    @property
    def rate(self):
        return round(100 * self.completed / self.assigned) if self.assigned else 0


def _assignments(visible, path, as_of):
    return LessonAssignment.objects.filter(
        organisation__in=visible.values("pk"),
        organisation__path__startswith=path,
        created_at__lte=as_of,
    )


def refresher_rollup(visible, parent, as_of_date=None):
    """Rows for the children of `parent` (or the scope's top organisations if None)."""
    as_of = moment_of(as_of_date)
    if parent is not None:
        rows_orgs = list(visible.filter(path__startswith=parent.path, depth=parent.depth + 1))
        path = parent.path
    else:
        rows_orgs = list(top_organisations(visible))
        path = ""
    conditions = status_conditions(as_of)
    by_prefix = {}
    for length in sorted({len(organisation.path) for organisation in rows_orgs}):
        figures = (
            _assignments(visible, path, as_of)
            .annotate(prefix=Substr("organisation__path", 1, length))
            .values("prefix")
            .annotate(
                assigned=Count("pk"),
                completed=Count("pk", filter=conditions[Status.COMPLETED]),
                overdue=Count("pk", filter=conditions[Status.OVERDUE]),
                not_started=Count("pk", filter=conditions[Status.NOT_STARTED]),
            )
            .order_by()
        )
        for row in figures:
            by_prefix[row["prefix"]] = row
    rows = []
    for organisation in sorted(rows_orgs, key=lambda org: org.path):
        found = by_prefix.get(organisation.path, {})
        rows.append(RefresherRow(organisation, **{name: found.get(name, 0) for name in FIGURES}))
    return rows


def refresher_totals(rows):
    total = RefresherRow(organisation=None)
    for row in rows:
        for name in FIGURES:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def refresher_people(visible, organisation, as_of_date=None):
    """Each assignment at and below one organisation, with its status, by person (a queryset's
    rows with `status` and `status_label` set as they are read)."""
    as_of = moment_of(as_of_date)
    assignments = (
        _assignments(visible, organisation.path, as_of)
        .select_related("user", "lesson", "organisation")
        .order_by("user__name", "user_id", "due_date", "pk")
    )
    return StatusedAssignments(assignments, as_of)


class StatusedAssignments:
    """A queryset of assignments that Django's Paginator pages in SQL, each row with its status."""

    def __init__(self, queryset, as_of):
        self.queryset, self.as_of = queryset, as_of

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        return [self._statused(row) for row in self.queryset[index]]

    def iterator(self):
        """Every row, read from the cursor in chunks (for exports)."""
        return map(self._statused, self.queryset.iterator(chunk_size=1000))

    def _statused(self, row):
        row.status = assignment_status(row, self.as_of)
        row.status_label = Status.LABELS[row.status]
        return row
