"""The coordinators' overview of self-inspection, computed in SQL over the organisation tree.

For each organisation one level below the one being looked at (or the top organisations of the
viewer's scope), over the units (social units and schools) of its subtree: the last signed
patrol and inspection, how many units have no signed patrol in the last 7 days or no signed
inspection this calendar month, and the open, overdue and 重大 hazards. Beside the table: the
hazards open at the end of each of the last weeks, and the check points that failed most in
the last 90 days.

Each figure comes from one SQL statement per table (rounds, hazards), grouped by the row
organisation's path prefix as reports.rollup does, so the number of queries does not grow with
the number of units. The SQL is assembled from constant fragments of this module; every value,
the viewer's scope included, travels as a query parameter (hence bandit's S608 is silenced for
this file).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from handbooks.blocks import Severity
from organisations.models import Organisation
from organisations.scope import coordinator_scope, scope_roots

from .models import Hazard, Round, RoundPoint
from .services import INSPECTING_KINDS

ORGANISATION = Organisation._meta.db_table
ROUND = Round._meta.db_table
HAZARD = Hazard._meta.db_table
ROUND_POINT = RoundPoint._meta.db_table

PATROL_DAYS = 7  # "no patrol in the last 7 days": today and the six days before it
CHART_WEEKS = 12
MOST_FAILED = 10
MOST_FAILED_DAYS = 90  # what is broken now: the failures of the last 90 days
OPEN_STATES = (Hazard.State.PENDING, Hazard.State.RECTIFIED)

# The table's columns, on the page and in the export alike (the export never has more).
COLUMNS = (
    _("Organisation"),
    _("Units"),
    _("Last patrol"),
    _("Last inspection"),
    _("Units without a patrol in 7 days"),
    _("Units without an inspection this month"),
    _("Open hazards"),
    _("Overdue hazards"),
    _("Open major hazards"),
)


@dataclass
class OverviewRow:
    """One organisation's figures over the units of its subtree."""

    organisation: Organisation | None
    units: int = 0
    last_patrol: datetime | None = None
    last_inspection: datetime | None = None
    without_patrol: int = 0
    without_inspection: int = 0
    open_hazards: int = 0
    overdue_hazards: int = 0
    major_hazards: int = 0

    @property
    def is_unit(self):
        """A unit (or school) itself: its row drills down to its rounds and hazards."""
        return self.organisation is not None and self.organisation.kind in INSPECTING_KINDS

    @property
    def last_patrol_date(self):
        return timezone.localdate(self.last_patrol) if self.last_patrol else None

    @property
    def last_inspection_date(self):
        return timezone.localdate(self.last_inspection) if self.last_inspection else None


@dataclass
class Moments:
    """The cut-offs of one look at the overview, all from one `today` (local time)."""

    today: object

    def _midnight(self, day):
        return timezone.make_aware(datetime.combine(day, time.min))

    @property
    def patrols_since(self):
        return self._midnight(self.today - timedelta(days=PATROL_DAYS - 1))

    @property
    def month_start(self):
        return self._midnight(self.today.replace(day=1))

    def week_starts(self, weeks=CHART_WEEKS):
        """The Mondays of the last `weeks` weeks, this week's last."""
        monday = self.today - timedelta(days=self.today.weekday())
        return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]

    @property
    def failures_since(self):
        return self._midnight(self.today - timedelta(days=MOST_FAILED_DAYS - 1))

    def week_end(self, monday):
        """The moment a week's figure is read: its end, or now for the current week."""
        end = self._midnight(monday + timedelta(days=7))
        return min(end, timezone.now())


@dataclass
class Overview:
    """What the overview page shows for one organisation of the viewer's scope (or the top)."""

    visible: object
    organisation: Organisation | None
    moments: Moments

    @property
    def parent_path(self):
        return self.organisation.path if self.organisation is not None else ""


# Reading the request -----------------------------------------------------------------------------


def coordinator_scope_or_refuse(user):
    """The viewer's scope (organisations.scope), or a 403 for anyone who coordinates nothing."""
    visible = coordinator_scope(user)
    if visible is None:
        raise PermissionDenied(_("The self-inspection overview is for coordinators."))
    return visible


def overview_for(user, organisation_id=None, today=None):
    """The overview of one organisation in the viewer's scope; outside it (or malformed): 404.

    Without an organisation, a coordinator of one organisation starts at it, as in the reports.
    """
    visible = coordinator_scope_or_refuse(user)
    moments = Moments(today or timezone.localdate())
    if organisation_id not in (None, ""):
        return Overview(visible, visible_organisation_or_404(visible, organisation_id), moments)
    tops = list(scope_roots(visible).order_by("path")[:2])
    return Overview(visible, tops[0] if len(tops) == 1 else None, moments)


def visible_organisation_or_404(visible, organisation_id, kinds=None):
    organisations = visible.filter(kind__in=kinds) if kinds else visible
    try:
        return organisations.get(pk=int(str(organisation_id).strip()))
    except (ValueError, TypeError, OverflowError, Organisation.DoesNotExist) as missing:
        raise Http404 from missing


def unit_overview_for(user, unit_id, today=None):
    """The overview of one unit (or school) in the viewer's scope, its drill-down; else 404."""
    visible = coordinator_scope_or_refuse(user)
    unit = visible_organisation_or_404(visible, unit_id, INSPECTING_KINDS)
    return Overview(visible, unit, Moments(today or timezone.localdate()))


def breadcrumbs(overview):
    """The organisations from the scope's top down to the one shown (one query)."""
    organisation = overview.organisation
    if organisation is None:
        return []
    step = Organisation.steplen
    paths = [organisation.path[:end] for end in range(step, len(organisation.path), step)]
    return [*overview.visible.filter(path__in=paths).order_by("depth"), organisation]


# The table ---------------------------------------------------------------------------------------


def _in_scope_sql(visible, parent_path):
    """WHERE fragment and params: an organisation `o` below parent_path and in the scope."""
    visible_sql, visible_params = visible.values("id").query.sql_with_params()
    return f"o.path LIKE %s AND o.id IN ({visible_sql})", [f"{parent_path}%", *visible_params]


def _moment_param(moment):
    return connection.ops.adapt_datetimefield_value(moment)


def _moment(value):
    """A timestamp from a raw cursor: SQLite returns naive UTC text, PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    moment = parse_datetime(value)
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def _by_prefix(lengths, select, group, params):
    """Run `select` grouped by each row path length (UNION ALL); {prefix: figures}."""
    selects = [
        f"SELECT SUBSTR({group}, 1, {int(length)}) AS prefix, {select} "
        f"GROUP BY SUBSTR({group}, 1, {int(length)})"
        for length in lengths
    ]
    return selects, params * len(lengths)


def _unit_figures(overview, lengths):
    """{row path: (units, last patrol, last inspection, without patrol, without inspection)}."""
    in_scope, scope_params = _in_scope_sql(overview.visible, overview.parent_path)
    kinds = list(INSPECTING_KINDS)
    # The last signed round of each kind per unit, each found through the (unit, kind, status,
    # started_at) index: a probe per unit, not a scan of the year's rounds.
    last_of_kind = (
        f"(SELECT MAX(r.started_at) FROM {ROUND} r "
        "WHERE r.unit_id = o.id AND r.kind = %s AND r.status = %s)"
    )
    # Materialised, so that PostgreSQL probes once per unit rather than once per use below.
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
    units_sql = f"""
        SELECT o.path AS path, {last_of_kind} AS last_patrol, {last_of_kind} AS last_inspection
        FROM {ORGANISATION} o
        WHERE o.kind IN ({", ".join(["%s"] * len(kinds))}) AND o.is_active = %s AND {in_scope}
    """
    units_params = [
        Round.Kind.PATROL,
        Round.Status.SIGNED,
        Round.Kind.INSPECTION,
        Round.Status.SIGNED,
        *kinds,
        True,
        *scope_params,
    ]
    select = """COUNT(*), MAX(u.last_patrol), MAX(u.last_inspection),
        SUM(CASE WHEN u.last_patrol IS NULL OR u.last_patrol < %s THEN 1 ELSE 0 END),
        SUM(CASE WHEN u.last_inspection IS NULL OR u.last_inspection < %s THEN 1 ELSE 0 END)
        FROM units u"""
    moments = overview.moments
    params = [_moment_param(moments.patrols_since), _moment_param(moments.month_start)]
    selects, all_params = _by_prefix(lengths, select, "u.path", params)
    sql = f"WITH units AS {materialized} ({units_sql}) " + " UNION ALL ".join(selects)
    figures = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*units_params, *all_params])
        for prefix, units, patrol, inspection, no_patrol, no_inspection in cursor.fetchall():
            figures[prefix] = (
                units,
                _moment(patrol),
                _moment(inspection),
                no_patrol,
                no_inspection,
            )
    return figures


def _hazard_figures(overview, lengths):
    """{row path: (open, overdue, open 重大)} over the open hazards of the rows' subtrees."""
    in_scope, scope_params = _in_scope_sql(overview.visible, overview.parent_path)
    select = f"""COUNT(*),
        SUM(CASE WHEN h.state = %s AND h.deadline < %s THEN 1 ELSE 0 END),
        SUM(CASE WHEN h.severity = %s THEN 1 ELSE 0 END)
        FROM {HAZARD} h JOIN {ORGANISATION} o ON o.id = h.unit_id
        WHERE h.state IN (%s, %s) AND {in_scope}"""
    params = [
        Hazard.State.PENDING,
        connection.ops.adapt_datefield_value(overview.moments.today),
        Severity.MAJOR,
        *OPEN_STATES,
        *scope_params,
    ]
    selects, all_params = _by_prefix(lengths, select, "o.path", params)
    figures = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), all_params)
        for prefix, open_, overdue, major in cursor.fetchall():
            figures[prefix] = (open_, overdue or 0, major or 0)
    return figures


def row_organisations(overview):
    """The organisations the table has a row for: the children, or the scope's top ones."""
    if overview.organisation is None:
        return list(scope_roots(overview.visible).order_by("path"))
    organisation = overview.organisation
    return list(
        overview.visible.filter(
            path__startswith=organisation.path, depth=organisation.depth + 1
        ).order_by("path")
    )


def rows(overview, organisations=None):
    """One OverviewRow per organisation below the one shown; those without units are left out.

    Two queries (units with their rounds, open hazards) besides the organisations themselves,
    whatever the number of units.
    """
    organisations = row_organisations(overview) if organisations is None else organisations
    if not organisations:
        return []
    lengths = sorted({len(organisation.path) for organisation in organisations})
    units = _unit_figures(overview, lengths)
    hazards = _hazard_figures(overview, lengths)
    result = []
    for organisation in organisations:
        count, patrol, inspection, no_patrol, no_inspection = units.get(
            organisation.path, (0, None, None, 0, 0)
        )
        open_, overdue, major = hazards.get(organisation.path, (0, 0, 0))
        if not count and not open_:
            continue
        result.append(
            OverviewRow(
                organisation=organisation,
                units=count,
                last_patrol=patrol,
                last_inspection=inspection,
                without_patrol=no_patrol or 0,
                without_inspection=no_inspection or 0,
                open_hazards=open_,
                overdue_hazards=overdue,
                major_hazards=major,
            )
        )
    return result


def unit_row(overview, unit):
    """The figures of a single unit (its drill-down page), by the same statements as the table."""
    found = rows(overview, [unit])
    return found[0] if found else OverviewRow(organisation=unit)


def totals(rows_):
    total = OverviewRow(organisation=None)
    for row in rows_:
        for name in (
            "units",
            "without_patrol",
            "without_inspection",
            "open_hazards",
            "overdue_hazards",
            "major_hazards",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for name in ("last_patrol", "last_inspection"):
            mine, theirs = getattr(total, name), getattr(row, name)
            if theirs is not None and (mine is None or theirs > mine):
                setattr(total, name, theirs)
    return total


def table_values(row):
    """A row's cells in COLUMNS' order, as the page shows them (dates as local days)."""
    name = row.organisation.name if row.organisation is not None else _("Total")
    return [
        str(name),
        row.units,
        row.last_patrol_date,
        row.last_inspection_date,
        row.without_patrol,
        row.without_inspection,
        row.open_hazards,
        row.overdue_hazards,
        row.major_hazards,
    ]


# Beside the table --------------------------------------------------------------------------------


def open_hazards_by_week(overview, weeks=CHART_WEEKS):
    """[(Monday, hazards open at the end of that week)] for the subtree shown (one query).

    Open means found and not yet closed (销号) at that moment: 待整改 and 已整改待复核 alike.
    """
    in_scope, scope_params = _in_scope_sql(overview.visible, overview.parent_path)
    mondays = overview.moments.week_starts(weeks)
    ends = [_moment_param(overview.moments.week_end(monday)) for monday in mondays]
    columns = ", ".join(
        "SUM(CASE WHEN h.created_at <= %s AND (h.closed_at IS NULL OR h.closed_at > %s) "
        "THEN 1 ELSE 0 END)"
        for _end in ends
    )
    sql = f"""SELECT {columns} FROM {HAZARD} h JOIN {ORGANISATION} o ON o.id = h.unit_id
        WHERE (h.closed_at IS NULL OR h.closed_at > %s) AND h.created_at <= %s AND {in_scope}"""
    params = [value for end in ends for value in (end, end)]
    params += [_moment_param(overview.moments.week_end(mondays[0])), ends[-1], *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = cursor.fetchone()
    return [(monday, count or 0) for monday, count in zip(mondays, counts, strict=True)]


@dataclass
class FailedPoint:
    item: str
    failures: int
    units: int


def most_failed_points(overview, limit=MOST_FAILED):
    """The check points most often found 不合格 in the last 90 days' signed rounds (one query).

    Each check point of a signed round whose final answer was 不合格 became a hazard at sign-off,
    so the hazards count them: answers corrected before signing do not, and neither do rounds
    still open. Grouped by the point's text as the round recorded it.
    """
    in_scope, scope_params = _in_scope_sql(overview.visible, overview.parent_path)
    # The point's text is looked up per hazard by its primary key: a join would let the planner
    # read all the year's check points (millions of rows) to hash them.
    sql = f"""SELECT f.item, COUNT(*) AS failures, COUNT(DISTINCT f.unit_id)
        FROM (SELECT (SELECT p.item FROM {ROUND_POINT} p WHERE p.id = h.point_id) AS item,
                     h.unit_id AS unit_id
              FROM {HAZARD} h JOIN {ORGANISATION} o ON o.id = h.unit_id
              WHERE h.point_id IS NOT NULL AND h.created_at >= %s AND {in_scope}) f
        GROUP BY f.item ORDER BY failures DESC, f.item LIMIT %s"""
    params = [_moment_param(overview.moments.failures_since), *scope_params, int(limit)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [FailedPoint(item, failures, units) for item, failures, units in cursor.fetchall()]
