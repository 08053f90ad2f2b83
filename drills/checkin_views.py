"""Check-in pages: the instructor's rotating QR code, the learner's scan, the roster's actions.

Only the session's instructors and the coordinators whose scope holds its organiser see the code
and act on the roster; anyone else gets a 404.
"""

import segno

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from idempotency.submits import submit_once

from . import checkin
from .forms import PersonForm
from .models import Enrolment, TrainingSession
from .session_access import enrollable_by_instructor, get_session_or_404, run_sessions
from .session_views import session_page

Attendance = Enrolment.Attendance


def _code(request, session, now):
    url = request.build_absolute_uri(checkin.checkin_url(session, now))
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=True)
    return url, svg


@never_cache
@login_required
def qr_page(request, pk):
    """The code, large, for the instructor's screen; it changes every minute."""
    session = get_session_or_404(run_sessions(request.user), pk)
    now = timezone.now()
    url, svg = _code(request, session, now)
    context = {
        "session": session,
        "checkin_url": url,
        "qr_svg": svg,
        "refresh_in": checkin.seconds_left(now),
        "checked_in": session.enrolments.filter(checked_in_at__isnull=False).count(),
        "confirmed": session.enrolments.filter(state=Enrolment.State.CONFIRMED).count(),
    }
    return render(request, "drills/session_checkin.html", context)


@never_cache
@login_required
def qr_code(request, pk):
    """The current code for the page's script (no full reload)."""
    session = get_session_or_404(run_sessions(request.user), pk)
    now = timezone.now()
    url, svg = _code(request, session, now)
    return JsonResponse(
        {
            "url": url,
            "svg": svg,
            "refresh_in": checkin.seconds_left(now),
            "checked_in": session.enrolments.filter(checked_in_at__isnull=False).count(),
        }
    )


@never_cache
@login_required
def check_in(request, pk, token):
    """A learner opened the code's URL: check them in, or say why not."""
    # Any session: the token, checked first, proves the person stands before its instructor.
    session = get_session_or_404(TrainingSession.objects.all(), pk)
    try:
        enrolment, fresh = checkin.check_in(request.user, session, token)
    except ValidationError as error:
        return render(
            request,
            "drills/session_checked_in.html",
            {"session": session, "refusal": " ".join(error.messages)},
            status=400,
        )
    return render(
        request,
        "drills/session_checked_in.html",
        {"session": session, "enrolment": enrolment, "fresh": fresh},
    )


def _run_session_or_404(user, pk):
    return get_session_or_404(run_sessions(user), pk)


@login_required
@require_POST
@submit_once("drills.mark")
def mark(request, pk, enrolment_id):
    session = _run_session_or_404(request.user, pk)
    try:
        enrolment = session.enrolments.select_related("user").get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError) as missing:
        raise Http404 from missing
    attendance = request.POST.get("attendance")
    if attendance not in (Attendance.PRESENT, Attendance.LATE, Attendance.NO_SHOW):
        messages.error(request, _("Choose present, late or no-show."))
        return redirect("drills:session", session.pk)
    enrolment.session = session
    try:
        checkin.mark(request.user, enrolment, attendance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s: %(attendance)s.")
            % {"name": enrolment.user.name, "attendance": enrolment.get_attendance_display()},
        )
    return redirect("drills:session", session.pk)


@login_required
@require_POST
@submit_once("drills.accept")
def accept(request, pk):
    """Check in someone who came without a place (or whose place was cancelled)."""
    session = _run_session_or_404(request.user, pk)
    form = PersonForm(request.POST, people=enrollable_by_instructor(session), prefix="accept")
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            checkin.accept(request.user, session, person)
        except ValidationError as error:
            form.add_error("person", error.messages)
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": person.name})
            return redirect("drills:session", session.pk)
    return session_page(request, session, accept_form=form, status=400)


@login_required
@require_POST
@submit_once("drills.close_roster")
def close_roster(request, pk):
    session = _run_session_or_404(request.user, pk)
    try:
        count = checkin.close_roster(session, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The roster is closed: %(count)s no-show(s) recorded.") % {"count": count},
        )
    return redirect("drills:session", session.pk)
