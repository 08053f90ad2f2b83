"""Volunteer pages: /volunteer/ for volunteers, /manage/volunteers/ for team coordinators,
/reports/volunteers/ for the district. Teams and records are looked up through the scope, so a
team outside it, or a record of another team, is a 404.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from config.ids import parse_id
from config.photos import photo_response
from courses.models import Certificate
from courses.progress import Status
from editorial.charts import bar_chart
from idempotency.submits import submit_once
from organisations import audit
from organisations.manage_views import coordinator_required
from organisations.models import Membership, Organisation
from organisations.scope import (
    get_visible_organisation_or_404,
    is_coordinator,
    visible_organisations,
)

from . import exports, services
from .forms import ActivityForm, GroupActivityForm, TeamSettingsForm
from .models import ServiceRecord, TeamSettings
from .reporting import (
    district_rollup,
    monthly_hours,
    my_required_training,
    personal_hours,
    team_members,
    volunteer_teams,
)

RECORDS_PER_PAGE = 30


@login_required
def my_page(request):
    """A volunteer's teams, hours, records, certificates and the training their teams require."""
    teams = list(volunteer_teams(request.user).order_by("name"))
    records = ServiceRecord.objects.filter(volunteer=request.user).select_related("team")
    page_obj = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    required_courses = {
        setting.team_id: setting.required_course
        for setting in TeamSettings.objects.filter(
            team__in=[team.pk for team in teams], required_course__isnull=False
        ).select_related("required_course")
    }
    return render(
        request,
        "volunteers/my_page.html",
        {
            "teams": [(team, required_courses.get(team.pk)) for team in teams],
            "page_obj": page_obj,
            "hours": personal_hours(request.user),
            "training": my_required_training(request.user, teams),
            "status_labels": Status.LABELS,
            "certificates": Certificate.objects.filter(
                user=request.user, revoked_at__isnull=True
            ).order_by("-issued_at"),
        },
    )


@login_required
@submit_once("volunteers.log")
def log_activity(request):
    """A volunteer logs an activity for one of their teams."""
    teams = volunteer_teams(request.user).order_by("name")
    if not teams.exists():
        raise PermissionDenied(
            _("Only members of a volunteer team log service. Ask your team coordinator.")
        )
    form = ActivityForm(request.POST or None, request.FILES or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.log_activity(
                request.user,
                data["team"],
                date=data["date"],
                kind=data["kind"],
                hours=data["hours"],
                place=data["place"],
                description=data["description"],
                photo=data.get("photo"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Logged. Your team coordinator will verify it; then the hours count.")
            )
            return redirect("volunteers:mine")
    return render(request, "volunteers/log.html", {"form": form, "editing": False})


@login_required
def edit_activity(request, pk):
    """A volunteer corrects their own record until it is verified."""
    record = get_object_or_404(ServiceRecord, pk=pk, volunteer=request.user)
    if not record.is_editable_by_volunteer:
        messages.error(request, _("This record was verified and can no longer be changed."))
        return redirect("volunteers:mine")
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        instance=record,
        teams=Organisation.objects.filter(pk=record.team_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_activity(
                ServiceRecord.objects.get(pk=record.pk),
                date=data["date"],
                kind=data["kind"],
                hours=data["hours"],
                place=data["place"],
                description=data["description"],
                photo=data.get("photo"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changed. The record waits for verification again."))
            return redirect("volunteers:mine")
    return render(request, "volunteers/log.html", {"form": form, "editing": True, "record": record})


@login_required
@cache_control(private=True, max_age=3600)
def photo(request, pk):
    """A record's photo, for the volunteer and for coordinators whose scope holds the team."""
    record = get_object_or_404(ServiceRecord.objects.exclude(photo=""), pk=pk)
    own = record.volunteer_id == request.user.pk
    if not own and not visible_organisations(request.user).filter(pk=record.team_id).exists():
        raise Http404
    return photo_response(record.photo, f"photo-{record.pk}")


def _teams(visible):
    return visible.filter(kind=Organisation.Kind.VOLUNTEER_TEAM)


def _team_or_404(request, visible, team_id):
    return get_visible_organisation_or_404(request.user, team_id, visible=_teams(visible))


@coordinator_required
def team_list(request, visible):
    """The volunteer teams in the coordinator's scope."""
    teams = _teams(visible).order_by("path")
    waiting = dict(
        ServiceRecord.objects.filter(team__in=teams, status=ServiceRecord.Status.SUBMITTED)
        .values("team")
        .order_by()
        .annotate(count=Count("id"))
        .values_list("team", "count")
    )
    rows = [(team, waiting.get(team.pk, 0)) for team in teams]
    return render(request, "volunteers/team_list.html", {"rows": rows})


@coordinator_required
def team(request, visible, team_id):
    """Waiting records first, then every member's hours and training, a chart and the tools."""
    team = _team_or_404(request, visible, team_id)
    now = timezone.now()
    members, requirements = team_members(team, now)
    waiting = list(
        ServiceRecord.objects.filter(team=team, status=ServiceRecord.Status.SUBMITTED)
        .select_related("volunteer")
        .order_by("date", "pk")
    )
    series = monthly_hours(team, now=now)
    settings = TeamSettings.objects.filter(team=team).first() or TeamSettings(team=team)
    return render(
        request,
        "volunteers/team.html",
        {
            "team": team,
            "members": members,
            "requirements": requirements,
            "waiting": waiting,
            "series": series,
            # A phone's width in SVG units, so the month and hour labels stay readable there.
            "chart": bar_chart(series, width=360, height=200, pad=16),
            "status_labels": Status.LABELS,
            "settings_form": TeamSettingsForm(instance=settings),
            "required_course": settings.required_course,
            "recent": ServiceRecord.objects.filter(team=team)
            .exclude(status=ServiceRecord.Status.SUBMITTED)
            .select_related("volunteer")[:20],
        },
    )


def _posted_records(request, team):
    """The records named in the POST; any of another team (or none at all) is a 404."""
    ids = request.POST.getlist("records")
    if request.POST.get("only"):
        ids = [request.POST["only"]]
    ids = {parse_id(value) for value in ids}
    if None in ids:
        raise Http404
    records = list(ServiceRecord.objects.filter(pk__in=ids, team=team))
    if len(records) != len(ids):
        raise Http404
    return records


@require_POST
@coordinator_required
@submit_once("volunteers.decide")
def decide(request, visible, team_id):
    """Verify or reject waiting records, one or many at once."""
    team = _team_or_404(request, visible, team_id)
    records = _posted_records(request, team)
    if not records:
        messages.warning(request, _("Tick the records first."))
        return redirect("volunteers:team", team_id=team.pk)
    if any(record.volunteer_id == request.user.pk for record in records):
        messages.warning(
            request, _("Your own records are verified by another coordinator, not by you.")
        )
    if request.POST.get("action") == "reject":
        try:
            count = services.reject_records(request.user, records, request.POST.get("reason"))
        except ValidationError:
            messages.error(
                request, _("Say why the record is rejected: the volunteer sees the reason.")
            )
            return redirect("volunteers:team", team_id=team.pk)
        messages.success(request, _("%(count)s record(s) rejected.") % {"count": count})
    else:
        count = services.verify_records(request.user, records)
        messages.success(request, _("%(count)s record(s) verified.") % {"count": count})
    return redirect("volunteers:team", team_id=team.pk)


def _team_volunteers(team):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=team,
            memberships__role=Membership.Role.VOLUNTEER,
            memberships__ended_at__isnull=True,
        )
        .distinct()
        .order_by("name", "pk")
    )


@coordinator_required
@submit_once("volunteers.log_for_members")
def log_for_members(request, visible, team_id):
    """One activity for several members at once: one verified record each."""
    team = _team_or_404(request, visible, team_id)
    form = GroupActivityForm(request.POST or None, members=_team_volunteers(team))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.log_for_members(
                request.user,
                team,
                list(data["members"]),
                date=data["date"],
                kind=data["kind"],
                hours=data["hours"],
                place=data["place"],
                description=data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.created:
                messages.success(
                    request,
                    _("%(count)s record(s) logged and verified.") % {"count": len(result.created)},
                )
            for person, reason in result.refused:
                messages.warning(
                    request,
                    _("Not logged for %(name)s: %(reason)s")
                    % {"name": person.name or person.username, "reason": reason},
                )
            return redirect("volunteers:team", team_id=team.pk)
    return render(request, "volunteers/log_group.html", {"team": team, "form": form})


@require_POST
@coordinator_required
def team_settings(request, visible, team_id):
    """The coordinator sets (or clears) the course new members finish before their hours count."""
    team = _team_or_404(request, visible, team_id)
    settings = TeamSettings.objects.filter(team=team).first() or TeamSettings(team=team)
    form = TeamSettingsForm(request.POST, instance=settings)
    if form.is_valid():
        services.set_required_course(team, form.cleaned_data["required_course"])
        messages.success(request, _("Team settings saved."))
    else:
        messages.error(request, _("Choose a course from the list."))
    return redirect("volunteers:team", team_id=team.pk)


@coordinator_required
def export(request, visible, team_id):
    """The member table and this year's records as an Excel workbook."""
    team = _team_or_404(request, visible, team_id)
    response = exports.team_workbook(team, request.user)
    audit.record(
        request.user,
        "firesafety.export.download",
        instance=team,
        organisation=team,
        data={"what": "volunteers.team", "format": "xlsx", "scope": team.full_name()},
    )
    return response


@login_required
def district(request):
    """Hours and trained members per team and per town, for coordinators with a scope."""
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Reports are for coordinators."))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    teams, towns, total = district_rollup(visible_organisations(request.user), year)
    return render(
        request,
        "volunteers/district.html",
        {
            "teams": teams,
            "towns": towns,
            "total": total,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
        },
    )
