"""Check-in at the venue: a QR code that changes every minute, and the instructor's roster.

The code's URL carries a token derived (HMAC with SECRET_KEY) from the session and the current
60-second window; the current and the previous window are accepted, so a code scanned as it
changes still works while a photo sent to a friend stops working within two minutes.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from organisations import audit

from .models import Enrolment, TrainingSession

State = Enrolment.State
Attendance = Enrolment.Attendance
WINDOW_SECONDS = 60


def window_of(now):
    return int(now.timestamp()) // WINDOW_SECONDS


def seconds_left(now):
    """Seconds until the code changes."""
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def token_for(session, window):
    return salted_hmac("drills.checkin", f"{session.pk}:{window}").hexdigest()[:20]


def checkin_url(session, now=None):
    """The path the QR code shows now."""
    token = token_for(session, window_of(now or timezone.now()))
    return reverse("drills:check_in", args=[session.pk, token])


def token_is_current(session, token, now):
    window = window_of(now)
    return any(constant_time_compare(token, token_for(session, w)) for w in (window, window - 1))


def arrival(session, now):
    """Present, or late after the start plus SESSION_LATE_AFTER_MINUTES."""
    late_after = session.starts_at + timedelta(minutes=settings.SESSION_LATE_AFTER_MINUTES)
    return Attendance.LATE if now > late_after else Attendance.PRESENT


def check_in(user, session, token, now=None):
    """The learner scanned the code: check them in, or say why not (ValidationError)."""
    now = now or timezone.now()
    if not token_is_current(session, token, now):
        raise ValidationError(
            _("This check-in code has expired: scan the code on the instructor's screen again.")
        )
    if session.cancelled_at:
        raise ValidationError(_("This session was cancelled."))
    if timezone.localdate(session.starts_at) != timezone.localdate(now):
        raise ValidationError(
            _("This code is for a session on another day (%(date)s).")
            % {"date": f"{timezone.localtime(session.starts_at):%Y-%m-%d}"}
        )
    if now > session.ends_at:
        raise ValidationError(_("This session is over: ask the instructor to record you."))
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(session=session, user=user).first()
        if enrolment is None or enrolment.state == State.WAITING:
            raise ValidationError(
                _(
                    "You are not on the roster of this session. Ask the instructor: they can "
                    "accept you and check you in from the roster."
                )
            )
        if enrolment.state == State.CANCELLED:
            raise ValidationError(
                _(
                    "You cancelled your place on this session. Ask the instructor: they can "
                    "accept you and check you in from the roster."
                )
            )
        if enrolment.checked_in_at:
            return enrolment, False
        enrolment.attendance = arrival(session, now)
        enrolment.checked_in_at = now
        enrolment.checked_in_by = None
        enrolment.save(update_fields=["attendance", "checked_in_at", "checked_in_by"])
    return enrolment, True


def mark(instructor, enrolment, attendance, now=None):
    """The instructor records a confirmed person's attendance from the roster."""
    now = now or timezone.now()
    session = enrolment.session
    if enrolment.state != State.CONFIRMED:
        raise ValidationError(_("Only people on the roster can be checked in."))
    if session.cancelled_at:
        raise ValidationError(_("This session was cancelled."))
    if attendance != Attendance.NO_SHOW and now < session.starts_at - timedelta(hours=2):
        raise ValidationError(_("Check-in opens two hours before the session starts."))
    if attendance == Attendance.NO_SHOW and now < session.ends_at:
        raise ValidationError(_("A no-show is recorded after the session ends."))
    with transaction.atomic():
        enrolment.attendance = attendance
        enrolment.checked_in_at = None if attendance == Attendance.NO_SHOW else now
        enrolment.checked_in_by = instructor
        enrolment.save(update_fields=["attendance", "checked_in_at", "checked_in_by"])
        audit.record(
            instructor,
            "firesafety.session.attendance",
            instance=enrolment,
            organisation=session.organisation,
            data={"lesson": session.lesson.title, "attendance": attendance},
        )
    return enrolment


def accept(instructor, session, person, now=None):
    """Put someone who came without a place on the roster, checked in (the roster's 接收)."""
    now = now or timezone.now()
    if person.pk == instructor.pk:
        raise ValidationError(_("You instruct this session: you cannot check yourself in."))
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        enrolment = Enrolment.objects.filter(session=locked, user=person).first()
        if enrolment is not None and enrolment.state == State.CONFIRMED:
            raise ValidationError(
                _("%(name)s is on the roster already: check them in there.") % {"name": person.name}
            )
        if enrolment is None:
            enrolment = Enrolment(session=locked, user=person, signed_up_at=now)
        # Accepted at the door: a place beyond the capacity is the instructor's call.
        enrolment.state = State.CONFIRMED
        enrolment.enrolled_by = instructor
        enrolment.cancelled_at = None
        enrolment.save()
        return mark(instructor, enrolment, arrival(locked, now), now)


def close_roster(session, actor=None, now=None):
    """After the end: the confirmed not checked in are no-shows. Returns how many."""
    now = now or timezone.now()
    if now < session.ends_at:
        raise ValidationError(_("The roster can be closed when the session has ended."))
    with transaction.atomic():
        count = Enrolment.objects.filter(
            session=session, state=State.CONFIRMED, attendance=Attendance.UNKNOWN
        ).update(attendance=Attendance.NO_SHOW, checked_in_by=actor)
        TrainingSession.objects.filter(pk=session.pk, roster_closed_at__isnull=True).update(
            roster_closed_at=now
        )
    return count
