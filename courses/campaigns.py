"""Campaigns (开学第一课): participation by school and class, rosters, join codes, daily figures.

Counts are computed in SQL, one statement per table whatever the number of schools or students:
students' memberships are grouped by the path prefix of the school (or class) they fall under,
as the reports' roll-up does; a correlated subquery per school took 1.5 s for the district's
200 schools and 60,000 students (benchmarks/campaigns.py). The public board shows counts and
rates only; names appear on the roster, which requires the class to be in the viewer's scope.
The SQL is assembled from a constant of this module; every value travels as a parameter.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editorial.charts import bar_chart
from organisations.models import JoinCode, Membership, Organisation
from organisations.scope import coordinator_scope

from . import services
from .models import CampaignPage, Enrolment

BOARD_CACHE_SECONDS = 60
Kind = Organisation.Kind
STUDENT = Membership.Role.STUDENT


# ---- reading --------------------------------------------------------------------------------


def window_bounds(campaign):
    """The first moment of the first day and the last moment of the last day, local time."""
    start = timezone.make_aware(datetime.combine(campaign.starts_on, time.min))
    end = timezone.make_aware(datetime.combine(campaign.ends_on, time.max))
    return start, end


def window_state(campaign, today=None):
    today = today or timezone.localdate()
    if today < campaign.starts_on:
        return "upcoming"
    if today > campaign.ends_on:
        return "closed"
    return "open"


def completions_in_window(campaign):
    """Enrolments in the campaign's course completed during its window."""
    start, end = window_bounds(campaign)
    return Enrolment.objects.filter(
        course_id=campaign.course_id, completed_at__gte=start, completed_at__lte=end
    )


def student_memberships():
    """Current student memberships of active people in active organisations."""
    return Membership.objects.current().filter(
        role=STUDENT, user__is_active=True, organisation__is_active=True
    )


# Students of each row's subtree and, among them, those who completed within the window, each
# counted once per row: memberships grouped by the path prefix of the row they fall under (one
# SELECT per path length of the rows, usually one). Enrolments are joined on (user, course)
# alone and the window is tested in the count: with the window in the join, or a derived table
# of completers, SQLite scanned every completer once per student. Values travel as parameters;
# the lengths are integers taken from the rows' paths.
_PARTICIPATION_SQL = """
    SELECT SUBSTR(o.path, 1, {length}) AS prefix,
           COUNT(DISTINCT m.user_id) AS students,
           COUNT(DISTINCT CASE WHEN e.completed_at >= %s AND e.completed_at <= %s
                               THEN e.user_id END) AS completed
    FROM {membership} m
    JOIN {organisation} o ON o.id = m.organisation_id
    JOIN {user} u ON u.id = m.user_id
    LEFT JOIN {enrolment} e ON e.user_id = m.user_id AND e.course_id = %s
    WHERE m.role = %s AND m.ended_at IS NULL AND u.is_active = %s AND o.is_active = %s
      AND o.path LIKE %s AND LENGTH(o.path) >= {length}
    GROUP BY SUBSTR(o.path, 1, {length})
"""


def _tables():
    """The tables of the raw SQL here, as the models name them."""
    return {
        "membership": Membership._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "user": get_user_model()._meta.db_table,
        "enrolment": Enrolment._meta.db_table,
    }


def _common_path(paths):
    """The deepest organisation path above all of these: limits every scan to its subtree."""
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: -Organisation.steplen]
    return common


def _participation_by_path(rows_orgs, campaign):
    """{row path: (students, completed)} in one query, whatever the number of rows."""
    start, end = window_bounds(campaign)
    paths = [org.path for org in rows_orgs]
    lengths = sorted({len(path) for path in paths})
    params = [start, end, campaign.course_id, STUDENT, True, True, f"{_common_path(paths)}%"]
    sql = " UNION ALL ".join(_PARTICIPATION_SQL.format(length=int(n), **_tables()) for n in lengths)
    with connection.cursor() as cursor:
        cursor.execute(sql, params * len(lengths))
        return {prefix: (students, completed) for prefix, students, completed in cursor}


def _students_under_sql(rows_orgs):
    """SQL and params selecting the ids of current students in the subtrees of these rows."""
    paths = [org.path for org in rows_orgs]
    by_length = {}
    for path in paths:
        by_length.setdefault(len(path), []).append(path)
    under = " OR ".join(
        f"SUBSTR(o.path, 1, {int(length)}) IN ({', '.join(['%s'] * len(group))})"
        for length, group in sorted(by_length.items())
    )
    tables = _tables()
    sql = (
        f"SELECT m.user_id FROM {tables['membership']} m "
        f"JOIN {tables['organisation']} o ON o.id = m.organisation_id "
        f"JOIN {tables['user']} u ON u.id = m.user_id "
        "WHERE m.role = %s AND m.ended_at IS NULL AND u.is_active = %s AND o.is_active = %s "
        f"AND o.path LIKE %s AND ({under})"
    )
    params = [STUDENT, True, True, f"{_common_path(paths)}%"]
    for _length, group in sorted(by_length.items()):
        params += group
    return sql, params


@dataclass
class ParticipationRow:
    pk: int
    name: str
    kind: str
    students: int
    completed: int

    @property
    def not_yet(self):
        return self.students - self.completed

    @property
    def rate(self):
        return round(100 * self.completed / self.students) if self.students else 0


def participation_rows(organisations, campaign):
    """One row per organisation given (schools or classes), in tree order."""
    rows_orgs = sorted(organisations, key=lambda org: org.path)
    if not rows_orgs:
        return []
    counts = _participation_by_path(rows_orgs, campaign)
    return [
        ParticipationRow(
            pk=org.pk,
            name=org.name,
            kind=org.kind,
            students=counts.get(org.path, (0, 0))[0],
            completed=counts.get(org.path, (0, 0))[1],
        )
        for org in rows_orgs
    ]


def total_of(rows):
    return ParticipationRow(
        pk=0,
        name="",
        kind="",
        students=sum(row.students for row in rows),
        completed=sum(row.completed for row in rows),
    )


def campaign_schools(campaign, target_path):
    return Organisation.objects.filter(
        kind=Kind.SCHOOL, is_active=True, path__startswith=target_path
    )


def public_board(campaign):
    """Counts and rates per school for everyone to see; cached a minute to survive a rush."""
    # Without the cache (Redis down: a miss, config/cache.py) the board is computed each time.
    key = f"campaign-board:{campaign.pk}"
    board = cache.get(key)
    if board is None:
        target_path = Organisation.objects.filter(pk=campaign.target_id).values_list(
            "path", flat=True
        )
        schools = campaign_schools(campaign, target_path.first() or "-")
        rows = participation_rows(schools, campaign)
        board = {"rows": rows, "total": total_of(rows), "computed_at": timezone.now()}
        cache.set(key, board, BOARD_CACHE_SECONDS)
    return board


def daily_completions(campaign, organisations):
    """[(day, new completions that day)] for every day of the window, among the students of
    these organisations' subtrees (the rows of the table beside it)."""
    counts = {}
    if organisations:
        sql, params = _students_under_sql(organisations)
        counts = dict(
            completions_in_window(campaign)
            # The SQL comes from this module's constant fragments; values are parameters.
            .filter(user_id__in=RawSQL(sql, params))  # noqa: S611
            .annotate(day=TruncDate("completed_at"))
            .values("day")
            .annotate(count=Count("user_id", distinct=True))
            .order_by("day")
            .values_list("day", "count")
        )
    days = []
    day = campaign.starts_on
    while day <= campaign.ends_on:
        days.append((day, counts.get(day, 0)))
        day += timedelta(days=1)
    return days


def class_roster(klass, campaign):
    """The class's current students with their completion of the course within the window."""
    return (
        Membership.objects.current()
        .filter(organisation=klass, role=STUDENT, user__is_active=True)
        .select_related("user")
        .annotate(
            completed_at=Subquery(
                completions_in_window(campaign)
                .filter(user_id=OuterRef("user_id"))
                .order_by("completed_at")
                .values("completed_at")[:1]
            ),
            started=Exists(
                Enrolment.objects.filter(user_id=OuterRef("user_id"), course_id=campaign.course_id)
            ),
        )
        .order_by("number", "user__name")
    )


def active_student_codes(classes):
    """{class id: its usable student join code} for the given classes, in one query."""
    now = timezone.now()
    codes = {}
    for code in JoinCode.objects.filter(
        organisation__in=classes, role=STUDENT, is_active=True
    ).order_by("created_at"):
        if code.expires_at is None or code.expires_at > now:
            codes.setdefault(code.organisation_id, code)
    return codes


def landing_context(campaign, request):
    """What the public campaign page shows, plus the classes a signed-in coordinator manages."""
    context = {
        "board": public_board(campaign),
        "window_state": window_state(campaign),
        "join_code_error": getattr(request, "join_code_error", ""),
        "join_code_value": request.GET.get("code", "")[:20],
        "my_classes": [],
    }
    visible = coordinator_scope(request.user)
    if visible is not None:
        target = campaign.target
        classes = list(
            visible.filter(kind=Kind.CLASS, is_active=True, path__startswith=target.path).order_by(
                "path"
            )[:60]
        )
        codes = active_student_codes(classes)
        context["my_classes"] = [(klass, codes.get(klass.pk)) for klass in classes]
        context["sees_schools"] = visible.filter(
            kind=Kind.SCHOOL, path__startswith=target.path
        ).exists()
    return context


# ---- views ----------------------------------------------------------------------------------


def _scope_or_403(user):
    visible = coordinator_scope(user)
    if visible is None:
        raise PermissionDenied
    return visible


def _campaign_or_404(campaign_id):
    campaign = CampaignPage.objects.live().select_related("target", "course").filter(pk=campaign_id)
    campaign = campaign.first()
    if campaign is None:
        raise Http404
    return campaign


def _class_or_404(visible, campaign, class_id):
    klass = visible.filter(
        pk=class_id, kind=Kind.CLASS, path__startswith=campaign.target.path
    ).first()
    if klass is None:
        raise Http404
    return klass


@login_required
def campaign_list(request):
    """The live campaigns, for coordinators to open their view of each."""
    _scope_or_403(request.user)
    campaigns = (
        CampaignPage.objects.live().select_related("target", "course").order_by("-starts_on")
    )
    return render(request, "courses/campaign/list.html", {"campaigns": campaigns})


@login_required
def campaign_overview(request, campaign_id):
    """Participation by school (or, drilled into a school, by class) and completions per day."""
    visible = _scope_or_403(request.user)
    campaign = _campaign_or_404(campaign_id)
    target = campaign.target
    school = None
    school_id = request.GET.get("school", "")
    if school_id:
        school = visible.filter(
            # Not a plausible id (letters, sign, too many digits for the column): no school.
            pk=int(school_id) if school_id.isdigit() and len(school_id) < 10 else 0,
            kind=Kind.SCHOOL,
            path__startswith=target.path,
        ).first()
        if school is None:
            raise Http404
        scope = visible.filter(path__startswith=school.path)
        row_orgs = list(scope.filter(kind=Kind.CLASS).order_by("path"))
        level = "class"
    else:
        scope = visible.filter(path__startswith=target.path)
        row_orgs = list(scope.filter(kind=Kind.SCHOOL).order_by("path"))
        level = "school"
        if not row_orgs:
            # A class teacher sees no school: show their classes instead.
            row_orgs = list(scope.filter(kind=Kind.CLASS).order_by("path"))
            level = "class"
    rows = participation_rows(row_orgs, campaign)
    # The daily figure counts the same students as the table: those under its rows.
    days = daily_completions(campaign, row_orgs)
    context = {
        "campaign": campaign,
        "school": school,
        "rows": rows,
        "level": level,
        "total": total_of(rows),
        "days": days,
        "chart": bar_chart(days),
        "days_total": sum(count for _day, count in days),
        "window_state": window_state(campaign),
    }
    return render(request, "courses/campaign/overview.html", context)


@login_required
def class_roster_view(request, campaign_id, class_id):
    """A teacher's list of the class: who has finished the course within the window."""
    visible = _scope_or_403(request.user)
    campaign = _campaign_or_404(campaign_id)
    klass = _class_or_404(visible, campaign, class_id)
    roster = list(class_roster(klass, campaign))
    context = {
        "campaign": campaign,
        "klass": klass,
        "school": klass.get_parent(),
        "roster": roster,
        "finished": sum(1 for member in roster if member.completed_at),
        "join_code": active_student_codes([klass]).get(klass.pk),
    }
    template = "courses/campaign/roster_print.html" if request.GET.get("print") else None
    return render(request, template or "courses/campaign/roster.html", context)


@login_required
@require_POST
def class_join_code(request, campaign_id, class_id):
    """Make (or show again) the class's join code for students."""
    visible = _scope_or_403(request.user)
    campaign = _campaign_or_404(campaign_id)
    klass = _class_or_404(visible, campaign, class_id)
    code, created = services.ensure_class_join_code(klass, created_by=request.user)
    if created:
        messages.success(
            request, _("Join code %(code)s made for %(class)s.") % {"code": code, "class": klass}
        )
    else:
        messages.info(
            request,
            _("%(class)s already has the join code %(code)s.") % {"code": code, "class": klass},
        )
    roster = reverse("courses:campaign_roster", args=[campaign.pk, klass.pk])
    return redirect(campaign.url if request.POST.get("back") == "campaign" else roster)
