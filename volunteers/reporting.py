"""Read-only figures of volunteer teams: members, hours, training, charts and the district roll-up.

Hours are summed in SQL (correlated subqueries with SUM, or GROUP BY), so a page costs the same
number of queries whatever the number of members or records.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from courses.models import Certificate, TrainingRequirement
from courses.progress import (
    Status,
    completion_valid,
    latest_enrolments,
    latest_enrolments_by_user,
    requirement_status,
)
from organisations.models import Membership, Organisation

from .models import ServiceRecord, TeamSettings

ZERO = Decimal("0.0")
HOURS = DecimalField(max_digits=10, decimal_places=1)


def month_start(today):
    return today.replace(day=1)


def year_start(today):
    return today.replace(month=1, day=1)


def _hours_subquery(records, **filters):
    """SUM(hours) of records for the outer user, as a correlated subquery (0 when none)."""
    total = (
        records.filter(volunteer=OuterRef("user_id"), **filters)
        .order_by()
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=HOURS), Value(ZERO), output_field=HOURS)


def volunteer_teams(user):
    """Active volunteer teams where the user is a current volunteer."""
    return Organisation.objects.filter(
        pk__in=Membership.objects.volunteering().filter(user=user).values("organisation")
    )


def team_requirements(teams):
    """{team id: [active requirements naming volunteers at the team or above]} in one query."""
    teams = list(teams)
    ancestor_paths = {
        team.path[:end]
        for team in teams
        for end in range(Organisation.steplen, len(team.path) + 1, Organisation.steplen)
    }
    requirements = [
        requirement
        for requirement in TrainingRequirement.objects.filter(
            is_active=True, organisation__path__in=ancestor_paths
        ).select_related("course", "organisation")
        if Membership.Role.VOLUNTEER in requirement.roles
    ]
    return {
        team.pk: [r for r in requirements if team.path.startswith(r.organisation.path)]
        for team in teams
    }


def personal_hours(user, now=None):
    """A volunteer's counted hours this month and year, and hours held back for training."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    records = ServiceRecord.objects.filter(volunteer=user)
    counted = records.counted(now).aggregate(
        month=Sum("hours", filter=Q(date__gte=month_start(today))),
        year=Sum("hours", filter=Q(date__gte=year_start(today))),
        total=Sum("hours"),
    )
    pending = records.pending_training(now).aggregate(total=Sum("hours"))["total"]
    waiting = records.filter(status=ServiceRecord.Status.SUBMITTED).aggregate(total=Sum("hours"))[
        "total"
    ]
    return {
        "month": counted["month"] or ZERO,
        "year": counted["year"] or ZERO,
        "total": counted["total"] or ZERO,
        "pending_training": pending or ZERO,
        "waiting": waiting or ZERO,
    }


@dataclass
class MemberRow:
    membership: object
    hours_month: Decimal
    hours_year: Decimal
    pending_training: Decimal
    last_activity: date | None
    training: list = field(default_factory=list)  # (requirement, status)
    certificates: list = field(default_factory=list)
    required_course_done: bool = True

    @property
    def person(self):
        return self.membership.user


def member_training(cycles, requirements, required_course_id, now=None):
    """A volunteer's training for a team: ([(requirement, status)], required course done).

    `cycles` is the volunteer's {course id: (latest, last completed)} (latest_enrolments); the
    team page and the district roll-up both read training through here, renewal included.
    """
    training = [
        (
            requirement,
            requirement_status(requirement, *cycles.get(requirement.course_id, (None, None)), now),
        )
        for requirement in requirements
    ]
    done = not required_course_id or completion_valid(
        None, cycles.get(required_course_id, (None, None))[1], now
    )
    return training, done


def is_trained(training, required_course_done):
    """Trained: every requirement completed and not expired, and the team's own course done."""
    return required_course_done and all(
        status in Status.CURRENT for _requirement, status in training
    )


def team_members(team, now=None):
    """Every current volunteer of the team with hours, training and certificates (fixed queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    team_records = ServiceRecord.objects.filter(team=team)
    counted = team_records.counted(now)
    memberships = list(
        Membership.objects.current()
        .filter(organisation=team, role=Membership.Role.VOLUNTEER, user__is_active=True)
        .select_related("user")
        .annotate(
            hours_month=_hours_subquery(counted, date__gte=month_start(today)),
            hours_year=_hours_subquery(counted, date__gte=year_start(today)),
            pending=_hours_subquery(
                team_records.pending_training(now), date__gte=year_start(today)
            ),
            last_activity=Subquery(
                team_records.active()
                .filter(volunteer=OuterRef("user_id"))
                .order_by()
                .values("volunteer")
                .annotate(last=Max("date"))
                .values("last")
            ),
        )
        .order_by("user__name", "pk")
    )
    user_ids = [membership.user_id for membership in memberships]
    requirements = team_requirements([team])[team.pk]
    required_course = _required_course_id(team)
    course_ids = {requirement.course_id for requirement in requirements}
    if required_course:
        course_ids.add(required_course)
    enrolments = latest_enrolments_by_user(user_ids, course_ids)
    certificates = {}
    for certificate in (
        Certificate.objects.filter(user_id__in=user_ids, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-issued_at")
    ):
        certificates.setdefault(certificate.user_id, []).append(certificate)
    rows = []
    for membership in memberships:
        training, required_course_done = member_training(
            enrolments.get(membership.user_id, {}), requirements, required_course, now
        )
        rows.append(
            MemberRow(
                membership=membership,
                hours_month=membership.hours_month,
                hours_year=membership.hours_year,
                pending_training=membership.pending,
                last_activity=membership.last_activity,
                training=training,
                certificates=certificates.get(membership.user_id, []),
                required_course_done=required_course_done,
            )
        )
    return rows, requirements


def _required_course_id(team):
    return (
        TeamSettings.objects.filter(team=team).values_list("required_course_id", flat=True).first()
    )


def my_required_training(user, teams, now=None):
    """[(team, requirement, status)] of the training the user's teams require of them."""
    requirements = team_requirements(teams)
    course_ids = {r.course_id for reqs in requirements.values() for r in reqs}
    cycles = latest_enrolments(user, course_ids) if course_ids else {}
    rows, seen = [], set()
    for team in teams:
        for requirement in requirements[team.pk]:
            if requirement.pk in seen:
                continue
            seen.add(requirement.pk)
            latest, completed = cycles.get(requirement.course_id, (None, None))
            status = requirement_status(requirement, latest, completed, now)
            rows.append((team, requirement, status))
    return rows


def monthly_hours(team, months=12, now=None):
    """[(first day of month, counted hours)] for the last `months` months, oldest first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    firsts = []
    year, month = today.year, today.month
    for _step in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    rows = (
        ServiceRecord.objects.filter(team=team, date__gte=firsts[0])
        .counted(now)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(total=Sum("hours"))
        .order_by("month")
    )
    totals = {_as_date(row["month"]): row["total"] for row in rows}
    return [(first, totals.get(first, ZERO)) for first in firsts]


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


@dataclass
class RollupRow:
    name: str
    members: int = 0
    trained: int = 0
    hours: Decimal = ZERO
    waiting: int = 0
    teams: int = 0


def district_rollup(visible, year, now=None):
    """Hours and trained members per volunteer team and per town in the user's scope.

    Hours come from one GROUP BY over records, members from one GROUP BY over memberships;
    "trained" is the team page's rule (is_trained: every requirement completed and not expired,
    renewal included, and the team's own course done), read in one query of enrolments.
    """
    now = now or timezone.now()
    teams = list(
        visible.filter(kind=Organisation.Kind.VOLUNTEER_TEAM, is_active=True).order_by("path")
    )
    team_ids = [team.pk for team in teams]
    hours = dict(
        ServiceRecord.objects.filter(team_id__in=team_ids, date__year=year)
        .counted(now)
        .values("team")
        .annotate(total=Sum("hours"))
        .values_list("team", "total")
    )
    waiting = dict(
        ServiceRecord.objects.filter(team_id__in=team_ids, status=ServiceRecord.Status.SUBMITTED)
        .values("team")
        .annotate(count=Count("id"))
        .values_list("team", "count")
    )
    members = {}
    for team_id, user_id in (
        Membership.objects.current()
        .filter(organisation_id__in=team_ids, role=Membership.Role.VOLUNTEER, user__is_active=True)
        .values_list("organisation_id", "user_id")
    ):
        members.setdefault(team_id, set()).add(user_id)
    requirements = team_requirements(teams)
    team_courses = dict(
        TeamSettings.objects.filter(
            team_id__in=team_ids, required_course__isnull=False
        ).values_list("team_id", "required_course_id")
    )
    all_courses = {r.course_id for reqs in requirements.values() for r in reqs}
    all_courses |= set(team_courses.values())
    all_members = set().union(*members.values()) if members else set()
    enrolments = latest_enrolments_by_user(all_members, all_courses)
    towns = _towns_of(teams)
    team_rows, town_rows = [], {}
    for team in teams:
        people = members.get(team.pk, set())
        required = requirements.get(team.pk, [])
        team_course = team_courses.get(team.pk)
        courses = required or team_course
        trained = (
            sum(
                1
                for person in people
                if is_trained(
                    *member_training(enrolments.get(person, {}), required, team_course, now)
                )
            )
            if courses
            else 0
        )
        row = RollupRow(
            name=team.name,
            members=len(people),
            trained=trained,
            hours=hours.get(team.pk) or ZERO,
            waiting=waiting.get(team.pk) or 0,
            teams=1,
        )
        row.team, row.town, row.requires_training = team, towns.get(team.pk), bool(courses)
        team_rows.append(row)
        town_name = row.town.name if row.town else ""
        total = town_rows.setdefault(town_name, RollupRow(name=town_name))
        total.members += row.members
        total.trained += row.trained
        total.hours += row.hours
        total.waiting += row.waiting
        total.teams += 1
    grand = RollupRow(name="")
    for row in team_rows:
        grand.members += row.members
        grand.trained += row.trained
        grand.hours += row.hours
        grand.waiting += row.waiting
        grand.teams += 1
    return team_rows, sorted(town_rows.values(), key=lambda row: row.name or "\uffff"), grand


def _towns_of(teams):
    """{team id: the team's ancestor of kind town or street} in one query."""
    prefixes = {
        team.path[:end]
        for team in teams
        for end in range(Organisation.steplen, len(team.path), Organisation.steplen)
    }
    towns = {
        town.path: town
        for town in Organisation.objects.filter(
            path__in=prefixes, kind__in=[Organisation.Kind.TOWN, Organisation.Kind.STREET]
        )
    }
    result = {}
    for team in teams:
        for path, town in towns.items():
            if team.path.startswith(path):
                result[team.pk] = town
    return result
