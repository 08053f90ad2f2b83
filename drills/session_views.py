"""Pages of training sessions: the coordinator's list and form, a session's page with its
roster, sign-up and cancel for learners, and its calendar file.

Views prepare arguments and call drills.sessions; a session outside what the user may see is a
404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.progress import my_learning
from idempotency.submits import submit_once
from organisations.scope import is_coordinator

from . import sessions as services
from .forms import PersonForm, SessionForm
from .ics import session_calendar
from .learning import upcoming_for
from .models import Enrolment
from .session_access import (
    coordinated_sessions,
    enrollable_people,
    get_session_or_404,
    is_open_to,
    run_sessions,
    visible_sessions,
)

State = Enrolment.State


def _with_counts(sessions):
    return sessions.select_related("lesson", "organisation").annotate(
        confirmed=Count("enrolments", filter=Q(enrolments__state=State.CONFIRMED)),
        waiting=Count("enrolments", filter=Q(enrolments__state=State.WAITING)),
    )


def _apply(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def index(request):
    """Sessions in the coordinator's scope and those the user instructs, upcoming first."""
    now = timezone.now()
    sessions = _with_counts(run_sessions(request.user)).order_by("starts_at", "pk")
    context = {
        "may_schedule": is_coordinator(request.user),
        "upcoming": list(sessions.filter(ends_at__gte=now)[:200]),
        "past": list(sessions.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:50]),
    }
    return render(request, "drills/session_index.html", context)


def _coordinator_or_404(user):
    if not is_coordinator(user):
        raise Http404


@login_required
@submit_once("drills.schedule")
def schedule(request):
    _coordinator_or_404(request.user)
    form = SessionForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        session = services.schedule_session(
            request.user, form.cleaned_data["instructors"], **form.session_fields()
        )
        messages.success(request, _("The session is scheduled."))
        return redirect("drills:session", session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "drills/session_form.html", {"form": form}, status=status)


@login_required
@submit_once("drills.edit")
def edit(request, pk):
    session = get_session_or_404(coordinated_sessions(request.user), pk)
    if session.cancelled_at:
        messages.error(request, _("This session was cancelled: it cannot be changed."))
        return redirect("drills:session", session.pk)
    form = SessionForm(request.POST or None, actor=request.user, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(
                request.user, session, form.cleaned_data["instructors"], **form.session_fields()
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The session is changed."))
            return redirect("drills:session", session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "drills/session_form.html", {"form": form, "session": session}, status=status
    )


@login_required
@require_POST
@submit_once("drills.cancel_session")
def cancel(request, pk):
    session = get_session_or_404(coordinated_sessions(request.user), pk)
    try:
        _session, notified = services.cancel_session(request.user, session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The session is cancelled; %(count)s people were told.") % {"count": notified},
        )
    return redirect("drills:session", session.pk)


def roster(session):
    """The session's roster: confirmed, the waiting list in order, cancelled."""
    enrolments = list(
        session.enrolments.select_related("user", "checked_in_by").order_by("signed_up_at", "pk")
    )
    return {
        "confirmed": [e for e in enrolments if e.state == State.CONFIRMED],
        "waiting": [e for e in enrolments if e.state == State.WAITING],
        "cancelled": [e for e in enrolments if e.state == State.CANCELLED],
    }


def session_page(request, session, enrol_form=None, accept_form=None, status=200):
    user = request.user
    runs = run_sessions(user).filter(pk=session.pk).exists()
    coordinates = coordinated_sessions(user).filter(pk=session.pk).exists()
    mine = Enrolment.objects.filter(session=session, user=user).first()
    now = timezone.now()
    context = {
        "session": session,
        "course": session.lesson.get_parent(),
        "instructors": list(session.instructors.order_by("name")),
        "mine": mine,
        "position": services.waiting_position(mine)
        if mine and mine.state == State.WAITING
        else None,
        "confirmed_count": services.confirmed_count(session),
        "open_to_me": is_open_to(session, user),
        "signup_open": not session.cancelled_at
        and session.starts_at > now
        and session.signup_deadline >= now,
        "started": session.starts_at <= now,
        "ended": session.ends_at <= now,
        "runs": runs,
        "coordinates": coordinates,
    }
    if runs:
        context["roster"] = roster(session)
        context["accept_form"] = accept_form or PersonForm(people=None, prefix="accept")
    if coordinates:
        context["enrol_form"] = enrol_form or PersonForm(people=None)
    return render(request, "drills/session_detail.html", context, status=status)


@login_required
def detail(request, pk):
    session = get_session_or_404(visible_sessions(request.user), pk)
    return session_page(request, session)


@login_required
@require_POST
@submit_once("drills.enrol")
def enrol(request, pk):
    session = get_session_or_404(coordinated_sessions(request.user), pk)
    form = PersonForm(request.POST, people=enrollable_people(request.user, session))
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            enrolment = services.enrol_directly(request.user, session, person)
        except ValidationError as error:
            _apply(form, error)
        else:
            if enrolment.state == State.CONFIRMED:
                messages.success(request, _("%(name)s is on the roster.") % {"name": person.name})
            else:
                messages.warning(
                    request,
                    _("The session is full: %(name)s is number %(position)s on the waiting list.")
                    % {"name": person.name, "position": services.waiting_position(enrolment)},
                )
            return redirect("drills:session", session.pk)
    return session_page(request, session, enrol_form=form, status=400)


def _back(request, session):
    """Back to 我的学习 or the sessions list when the form came from there."""
    target = request.POST.get("next")
    if target in ("learn", "mine"):
        return redirect("courses:learn" if target == "learn" else "drills:mine")
    return redirect("drills:session", session.pk)


@login_required
@require_POST
@submit_once("drills.sign_up")
def sign_up(request, pk):
    session = get_session_or_404(visible_sessions(request.user), pk)
    try:
        enrolment = services.sign_up(request.user, session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if enrolment.state == State.CONFIRMED:
            messages.success(
                request,
                _("You are on the roster of %(lesson)s on %(when)s.")
                % {"lesson": session.lesson.title, "when": services.when(session.starts_at)},
            )
        else:
            messages.warning(
                request,
                _(
                    "The session is full: you are number %(position)s on the waiting list. You "
                    "get a message if a place becomes free."
                )
                % {"position": services.waiting_position(enrolment)},
            )
    return _back(request, session)


@login_required
@require_POST
@submit_once("drills.cancel_place")
def cancel_place(request, pk):
    session = get_session_or_404(visible_sessions(request.user), pk)
    try:
        services.cancel_place(request.user, session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your place is cancelled."))
    return _back(request, session)


@login_required
def mine(request):
    """The learner's sessions: upcoming ones of lessons they need, and their own places."""
    now = timezone.now()
    needs = my_learning(request.user, now)["practical_needs"]
    places = (
        Enrolment.objects.filter(user=request.user)
        .exclude(state=State.CANCELLED)
        .select_related("session__lesson")
        .order_by("-session__starts_at")[:50]
    )
    context = {
        "sessions": list(upcoming_for(needs, now)[:50]),
        "places": places,
        "now": now,
        "runs_any": run_sessions(request.user).filter(ends_at__gte=now).exists(),
    }
    return render(request, "drills/session_mine.html", context)


@login_required
def calendar(request, pk):
    session = get_session_or_404(visible_sessions(request.user), pk)
    url = request.build_absolute_uri(reverse("drills:session", args=[session.pk]))
    text = session_calendar(session, url, request.get_host().split(":")[0])
    response = HttpResponse(text.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response
