"""The coordinators' view of units' drills: per organisation the last drill and the units
overdue by drill_rules.drill_due, and the unit list behind it; with its Excel export.

Scope comes from organisations.scope (through inspections.overview's helpers): a coordinator
sees the organisations of their subtree, anything else is 404, and whoever coordinates nothing
gets 403. Three queries whatever the number of units: the row organisations, the units below
with their key-unit mark, and every unit's drill figures in one GROUP BY.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.overview import breadcrumbs, row_organisations, visible_organisation_or_404
from organisations.models import Organisation
from organisations.scope import coordinator_scope, scope_roots
from spreadsheets import writing

from .drill_status import DRILLING_KINDS, current_drills, unit_status, unit_statuses

OVERDUE_UNITS_SHOWN = 200

COLUMNS = (
    gettext_lazy("Organisation"),
    gettext_lazy("Units"),
    gettext_lazy("Last drill"),
    gettext_lazy("Units overdue"),
    gettext_lazy("Never drilled"),
)


@dataclass
class Shown:
    """The organisation the page shows (None: the scope's top), within the viewer's scope."""

    visible: object
    organisation: Organisation | None
    today: date

    @property
    def parent_path(self):
        return self.organisation.path if self.organisation is not None else ""


@dataclass
class DrillRow:
    organisation: Organisation | None
    units: int = 0
    overdue: int = 0
    never: int = 0
    last: date | None = None
    overdue_units: list = field(default_factory=list)

    def add(self, status):
        self.units += 1
        self.overdue += status.overdue
        self.never += status.history.last is None
        if status.history.last and (self.last is None or status.history.last > self.last):
            self.last = status.history.last
        if status.overdue:
            self.overdue_units.append(status)


def coordinator_scope_or_refuse(user):
    visible = coordinator_scope(user)
    if visible is None:
        raise PermissionDenied(_("The drills overview is for coordinators."))
    return visible


def shown_for(user, organisation_id=None, today=None):
    """The organisation to show (the only top one by default); outside the scope: 404."""
    visible = coordinator_scope_or_refuse(user)
    today = today or timezone.localdate()
    if organisation_id not in (None, ""):
        return Shown(visible, visible_organisation_or_404(visible, organisation_id), today)
    tops = list(scope_roots(visible).order_by("path")[:2])
    return Shown(visible, tops[0] if len(tops) == 1 else None, today)


def rows(shown):
    """(rows per organisation below the one shown, total row); organisations without units
    are left out."""
    organisations = row_organisations(shown)
    statuses = unit_statuses(shown.visible, shown.parent_path, shown.today)
    by_path = {organisation.path: DrillRow(organisation) for organisation in organisations}
    lengths = sorted({len(path) for path in by_path})
    total = DrillRow(None)
    for status in statuses:
        for length in lengths:
            row = by_path.get(status.unit.path[:length])
            if row is not None:
                row.add(status)
                total.add(status)
                break
    return [row for row in by_path.values() if row.units], total


def table_values(row):
    name = row.organisation.name if row.organisation is not None else _("Total")
    return [name, row.units, row.last or "", row.overdue, row.never]


def unit_values(status):
    return [
        status.unit.full_name(),
        _("Yes") if status.is_key else _("No"),
        status.history.last or "",
        status.due.due or "",
        _("Overdue") if status.overdue else _("On time"),
        status.due.basis,
    ]


UNIT_COLUMNS = (
    gettext_lazy("Unit"),
    gettext_lazy("Key unit (消防安全重点单位)"),
    gettext_lazy("Last drill"),
    gettext_lazy("Next drill due by"),
    gettext_lazy("Status"),
    gettext_lazy("Rule"),
)
DRILL_COLUMNS = (
    gettext_lazy("Unit"),
    gettext_lazy("Date of the drill"),
    gettext_lazy("Kind"),
    gettext_lazy("Unit members who took part"),
    gettext_lazy("Others taking part"),
    gettext_lazy("Time to evacuate (seconds)"),
    gettext_lazy("Version of the plan"),
    gettext_lazy("Problems found"),
)


def drills_below(shown):
    """The current drill records at and below the organisation shown, newest first."""
    return (
        current_drills()
        .filter(
            unit__in=shown.visible.filter(
                path__startswith=shown.parent_path, kind__in=DRILLING_KINDS
            ).values("pk")
        )
        .select_related("unit")
        .prefetch_related("problems")
        .annotate(members=Count("participants"))
        .order_by("-held_on", "-pk")
    )


def _workbook_sheets(shown, user):
    scope = (
        shown.organisation.full_name()
        if shown.organisation is not None
        else _("All organisations in your scope")
    )
    header = [
        [_("Scope"), scope],
        [_("As of"), shown.today.isoformat()],
        [
            _("Exported"),
            timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            user.get_full_name() or user.get_username(),
        ],
        [],
    ]
    table, total = rows(shown)
    statuses = unit_statuses(shown.visible, shown.parent_path, shown.today)

    def organisation_rows():
        yield [str(column) for column in COLUMNS]
        for row in [*table, total]:
            yield table_values(row)

    def units():
        yield [str(column) for column in UNIT_COLUMNS]
        for status in statuses:
            yield unit_values(status)

    def drills():
        yield [str(column) for column in DRILL_COLUMNS]
        for drill in drills_below(shown).iterator(chunk_size=500):
            yield [
                drill.unit.name,
                drill.held_on,
                drill.get_kind_display(),
                drill.members,
                drill.others_count,
                drill.evacuation_seconds or "",
                drill.plan_version,
                "\n".join(problem.text for problem in drill.problems.all()),
            ]

    return [
        (_("Drills by organisation"), itertools.chain(header, organisation_rows())),
        (_("Units"), units()),
        (_("Drills"), drills()),
    ]


def workbook_response(shown, user):
    filename = f"drills-overview-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return writing.xlsx_response(filename, _workbook_sheets(shown, user))


__all__ = ["breadcrumbs", "rows", "shown_for", "unit_status", "unit_statuses", "workbook_response"]
