"""Completion of a training requirement by organisation, computed in SQL over the tree paths.

Every person concerned (a current member, in a role the requirement names, of an organisation
in both the requirement's subtree and the viewer's scope) is counted once, at their "home": the
first of their qualifying organisations in tree order. Rows group people by the child of the
chosen organisation their home lies under, so a parent's total is the sum of its rows.

Statuses come from stored enrolments (completion is written when it happens): a completion is
valid at a moment when it happened before it, is younger than the requirement's renewal period
and has not passed the course's own expiry.

The SQL is assembled from constant fragments of this module; every value, including the
viewer's scope, travels as a query parameter (hence bandit's S608 is silenced for this file).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from courses.models import Certificate, Enrolment, LessonProgress
from courses.progress import EXPIRING_WITHIN, add_months
from organisations.models import Membership, Organisation, PlaceType, TaggedPlaceType

# Tables as the models name them (a db_table set on a model reaches the SQL below).
MEMBERSHIP = Membership._meta.db_table
ORGANISATION = Organisation._meta.db_table
TAGGED_PLACE_TYPE = TaggedPlaceType._meta.db_table
PLACE_TYPE = PlaceType._meta.db_table
USER = User._meta.db_table
ENROLMENT = Enrolment._meta.db_table
LESSON_PROGRESS = LessonProgress._meta.db_table
CERTIFICATE = Certificate._meta.db_table

STATUSES = ("completed", "expiring", "in_progress", "not_started", "overdue")
SUMMED = (
    "required",
    "completed",
    "expiring",
    "in_progress",
    "not_started",
    "overdue",
    "score_sum",
    "score_count",
)


@dataclass
class Filters:
    """What the coordinator narrowed the roll-up to; unknown values were dropped before."""

    roles: list = field(default_factory=list)
    kind: str = ""
    place_type: str = ""
    sector: str = ""
    status: str = ""


@dataclass
class RollupRow:
    organisation: Organisation
    required: int = 0
    completed: int = 0
    expiring: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    score_sum: int = 0
    score_count: int = 0
    query: str = ""  # the query string that drills into this row

    @property
    def rate(self):
        return round(100 * self.completed / self.required) if self.required else 0

    @property
    def average_score(self):
        """The mean of each person's best quiz score, among those who have one (else None)."""
        return round(self.score_sum / self.score_count) if self.score_count else None


def moment_of(as_of_date):
    """The end of the given day in local time, or now when no date is given."""
    if as_of_date is None:
        return timezone.now()
    return timezone.make_aware(datetime.combine(as_of_date, time.max))


def _qualifying_sql(requirement, visible, parent_path, filters, as_of, *, homes=True):
    """SQL and params selecting (user_id, home path) of everyone concerned, once each.

    Without `homes`, only the user ids, possibly repeated: enough for an IN (...) test.
    """
    visible_sql, visible_params = visible.values("id").query.sql_with_params()
    roles = [role for role in requirement.roles if not filters.roles or role in filters.roles]
    if not roles:
        roles = ["-"]
    sql = [
        "SELECT m.user_id AS user_id, MIN(o.path) AS home" if homes else "SELECT m.user_id",
        f"FROM {MEMBERSHIP} m",
        f"JOIN {ORGANISATION} o ON o.id = m.organisation_id",
        f"JOIN {USER} u ON u.id = m.user_id",
        "WHERE u.is_active = %s AND o.is_active = %s",
        "AND m.started_at <= %s AND (m.ended_at IS NULL OR m.ended_at > %s)",
        f"AND m.role IN ({', '.join(['%s'] * len(roles))})",
        "AND o.path LIKE %s AND o.path LIKE %s",
        f"AND o.id IN ({visible_sql})",
    ]
    params = [True, True, as_of, as_of, *roles]
    params += [f"{parent_path}%", f"{requirement.organisation.path}%", *visible_params]
    if filters.kind:
        sql.append("AND o.kind = %s")
        params.append(filters.kind)
    if filters.sector:
        sql.append("AND o.sector = %s")
        params.append(filters.sector)
    if filters.place_type:
        sql.append(
            f"AND EXISTS (SELECT 1 FROM {TAGGED_PLACE_TYPE} t "
            f"JOIN {PLACE_TYPE} p ON p.id = t.tag_id "
            "WHERE t.content_object_id = o.id AND p.name = %s)"
        )
        params.append(filters.place_type)
    if homes:
        sql.append("GROUP BY m.user_id")
    return "\n".join(sql), params


def _person_sql(requirement, visible, parent_path, filters, as_of):
    """One row per person concerned with their status flags at the moment `as_of`."""
    qualifying, params = _qualifying_sql(requirement, visible, parent_path, filters, as_of)
    renewal_cutoff = (
        add_months(as_of, -requirement.renewal_months) if requirement.renewal_months else None
    )
    soon = as_of + EXPIRING_WITHIN
    soon_cutoff = (
        add_months(soon, -requirement.renewal_months) if requirement.renewal_months else None
    )
    valid = (
        "e.completed_at IS NOT NULL AND e.completed_at <= %s "
        "AND (e.expires_at IS NULL OR e.expires_at > %s)"
    )
    valid_params = [as_of, as_of]
    if renewal_cutoff is not None:
        valid += " AND e.completed_at > %s"
        valid_params.append(renewal_cutoff)
    lasting = "(e.expires_at IS NULL OR e.expires_at > %s)"
    lasting_params = [soon]
    if soon_cutoff is not None:
        lasting += " AND e.completed_at > %s"
        lasting_params.append(soon_cutoff)
    # One join per person to their enrolments in the course (by the user index), not a
    # correlated subquery per person, which planners may answer by scanning the course.
    sql = f"""
        SELECT q.user_id AS user_id, q.home AS home,
          MAX(CASE WHEN {valid} THEN 1 ELSE 0 END) AS is_valid,
          MAX(CASE WHEN {valid} AND {lasting} THEN 1 ELSE 0 END) AS is_lasting,
          MAX(CASE WHEN e.started_at <= %s
                    AND (e.completed_at IS NULL OR e.completed_at > %s) THEN 1 ELSE 0 END)
            AS is_started,
          MAX(CASE WHEN e.started_at <= %s THEN e.best_score END) AS best_score
        FROM ({qualifying}) q
        LEFT JOIN {ENROLMENT} e ON e.user_id = q.user_id AND e.course_id = %s
        GROUP BY q.user_id, q.home
    """
    all_params = [
        *valid_params,
        *valid_params,
        *lasting_params,
        as_of,
        as_of,
        as_of,
        *params,
        requirement.course_id,
    ]
    return sql, all_params


def _status_case():
    return """
        CASE WHEN p.is_valid = 1 AND p.is_lasting = 1 THEN 'completed'
             WHEN p.is_valid = 1 THEN 'expiring'
             WHEN p.is_started = 1 THEN 'in_progress'
             ELSE 'not_started' END
    """


def rollup(requirement, visible, parent, filters=None, as_of_date=None):
    """Rows for the children of `parent` (or for the scope's top organisations if None)."""
    filters = filters or Filters()
    as_of = moment_of(as_of_date)
    overdue = requirement.due_date < timezone.localdate(as_of)
    if parent is not None:
        rows_orgs = list(visible.filter(path__startswith=parent.path, depth=parent.depth + 1))
        parent_path = parent.path
    else:
        rows_orgs = list(top_organisations(visible))
        parent_path = ""
    if not rows_orgs:
        return []
    person_sql, params = _person_sql(requirement, visible, parent_path, filters, as_of)
    status_filter = ""
    if filters.status in STATUSES and filters.status != "overdue":
        status_filter = f"WHERE {_status_case()} = %s"
        params = [*params, filters.status]
    elif filters.status == "overdue":
        status_filter = "WHERE p.is_valid = 0 AND 1 = %s"
        params = [*params, 1 if overdue else 0]
    lengths = sorted({len(org.path) for org in rows_orgs})
    # Group by each row organisation's path prefix; rows sit at one depth, except top orgs.
    selects = []
    for length in lengths:
        selects.append(
            f"""SELECT SUBSTR(p.home, 1, {int(length)}) AS prefix,
                   COUNT(*) AS required,
                   SUM(CASE WHEN p.is_valid = 1 AND p.is_lasting = 1 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.is_valid = 1 AND p.is_lasting = 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.is_valid = 0 AND p.is_started = 1 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.is_valid = 0 AND p.is_started = 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN p.is_valid = 0 THEN 1 ELSE 0 END),
                   SUM(p.best_score), COUNT(p.best_score)
                FROM ({person_sql}) p {status_filter}
                GROUP BY SUBSTR(p.home, 1, {int(length)})"""
        )
    all_params = params * len(lengths)
    by_prefix = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), all_params)
        for prefix, *figures in cursor.fetchall():
            by_prefix[prefix] = figures
    rows = []
    for organisation in sorted(rows_orgs, key=lambda org: org.path):
        required, done, expiring, started, not_started, not_valid, score_sum, scored = (
            by_prefix.get(organisation.path, (0,) * 8)
        )
        rows.append(
            RollupRow(
                organisation=organisation,
                required=required or 0,
                completed=(done or 0) + (expiring or 0),
                expiring=expiring or 0,
                in_progress=started or 0,
                not_started=not_started or 0,
                overdue=(not_valid or 0) if overdue else 0,
                score_sum=score_sum or 0,
                score_count=scored or 0,
            )
        )
    return rows


def top_organisations(visible):
    """Visible organisations whose parent is not visible: where a coordinator's view starts."""
    from organisations.scope import scope_roots

    return scope_roots(visible).order_by("path")


def totals(rows):
    total = RollupRow(organisation=None)
    for row in rows:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def _people_sql(requirement, visible, organisation, filters, as_of, lesson_ids=None):
    """SQL and params of everyone concerned at and below `organisation`, with their status.

    With `lesson_ids` (the course's live lessons), each row also counts the lessons done in the
    person's latest cycle started by `as_of`.
    """
    person_sql, params = _person_sql(requirement, visible, organisation.path, filters, as_of)
    progress, progress_params = "NULL", []
    if lesson_ids is not None:
        lessons = list(lesson_ids) or [-1]
        progress = f"""(SELECT COUNT(*) FROM {LESSON_PROGRESS} lp
            WHERE lp.completed_at IS NOT NULL AND lp.completed_at <= %s
              AND lp.lesson_id IN ({", ".join(["%s"] * len(lessons))})
              AND lp.enrolment_id = (
                SELECT e.id FROM {ENROLMENT} e
                WHERE e.user_id = p.user_id AND e.course_id = %s AND e.started_at <= %s
                ORDER BY e.cycle DESC LIMIT 1))"""
        progress_params = [as_of, *lessons, requirement.course_id, as_of]
    sql = f"""
        SELECT p.user_id, p.home, {_status_case()} AS status,
          u.name, u.phone, u.username, p.best_score, {progress} AS lessons_done,
          (SELECT MAX(e.last_activity_at) FROM {ENROLMENT} e
             WHERE e.user_id = p.user_id AND e.course_id = %s) AS last_activity,
          (SELECT c.code FROM {CERTIFICATE} c WHERE c.user_id = p.user_id
             AND c.course_id = %s AND c.revoked_at IS NULL ORDER BY c.issued_at DESC LIMIT 1)
            AS certificate
        FROM ({person_sql}) p JOIN {USER} u ON u.id = p.user_id
    """
    params = [*progress_params, requirement.course_id, requirement.course_id, *params]
    if filters.status in STATUSES and filters.status != "overdue":
        sql += f" WHERE {_status_case()} = %s"
        params.append(filters.status)
    elif filters.status == "overdue":
        sql += " WHERE p.is_valid = 0"
        if requirement.due_date >= timezone.localdate(as_of):
            sql += " AND 1 = 0"
    return sql, params


def people_count(requirement, visible, organisation, filters=None, as_of_date=None):
    """How many people `people()` would list, counted in SQL."""
    filters = filters or Filters()
    sql, params = _people_sql(requirement, visible, organisation, filters, moment_of(as_of_date))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)
        return cursor.fetchone()[0]


def people(
    requirement, visible, organisation, filters=None, as_of_date=None, *, limit=None, offset=0
):
    """The people concerned at and below one organisation, with their status, as dicts.

    Ordered by name; `limit` and `offset` cut a page in SQL, so a page of a town's list does
    not read the whole town into Python.
    """
    filters = filters or Filters()
    as_of = moment_of(as_of_date)
    lesson_ids = list(requirement.course.get_lessons().values_list("pk", flat=True))
    sql, params = _people_sql(requirement, visible, organisation, filters, as_of, lesson_ids)
    sql += " ORDER BY u.name, p.user_id"
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params = [*params, int(limit), int(offset)]
    overdue = requirement.due_date < timezone.localdate(as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        # In chunks, so a 100,000-row export never holds all rows at once.
        while rows := cursor.fetchmany(2000):
            for row in rows:
                person = dict(zip(columns, row, strict=True))
                # Raw SQLite cursors return datetimes as naive UTC text.
                if isinstance(person["last_activity"], str):
                    moment = parse_datetime(person["last_activity"])
                    if timezone.is_naive(moment):
                        moment = timezone.make_aware(moment, UTC)
                    person["last_activity"] = moment
                person["overdue"] = overdue and person["status"] in ("in_progress", "not_started")
                person["lessons_total"] = len(lesson_ids)
                yield person


class PeopleList:
    """The people list as a sequence Django's Paginator can page through in SQL."""

    def __init__(self, requirement, visible, organisation, filters=None, as_of_date=None):
        self.args = (requirement, visible, organisation, filters, as_of_date)
        self._count = None

    def count(self):
        if self._count is None:
            self._count = people_count(*self.args)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("PeopleList is paged with slices")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        return list(people(*self.args, limit=max(0, stop - start), offset=start))
