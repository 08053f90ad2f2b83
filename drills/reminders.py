"""The day-before reminder of a training session, and no-shows of yesterday's sessions.

Sent by `manage.py send_session_reminders`, run daily from cron. Each confirmed person is
reminded once per session: the reminder is claimed by an UPDATE of `reminded_at` that only a row
not yet reminded passes, so a second run, or two at once, sends nothing new. Sessions that ended
before today and whose roster nobody closed get their no-shows recorded, as the instructor's
"close the roster" would.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .checkin import close_roster
from .models import Enrolment, TrainingSession
from .notify import notify, session_link


def _day_bounds(day):
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def enrolments_to_remind(today):
    """Confirmed, not yet reminded places on sessions that start tomorrow."""
    start, end = _day_bounds(today + timedelta(days=1))
    return Enrolment.objects.filter(
        state=Enrolment.State.CONFIRMED,
        reminded_at__isnull=True,
        user__is_active=True,
        session__cancelled_at__isnull=True,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    ).select_related("session__lesson", "user")


def _remind(enrolment, now):
    session = enrolment.session
    with transaction.atomic():
        claimed = Enrolment.objects.filter(pk=enrolment.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:  # another run reminded them a moment ago
            return False
        title = _("Tomorrow: %(lesson)s") % {"lesson": session.lesson.title}
        body = _(
            "Your hands-on training session starts at %(time)s tomorrow, at %(place)s. Bring "
            "your phone to check in with the QR code; if you cannot come, cancel your place."
        ) % {"time": f"{timezone.localtime(session.starts_at):%H:%M}", "place": session.place}
        notify(enrolment.user, title, body, session_link(session))
    return True


def send_session_reminders(now=None):
    """Send today's reminders and close yesterday's rosters; returns (reminded, no-shows)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    reminded = sum(_remind(enrolment, now) for enrolment in enrolments_to_remind(today))
    start_of_today, _end = _day_bounds(today)
    ended = TrainingSession.objects.filter(
        cancelled_at__isnull=True, roster_closed_at__isnull=True, ends_at__lt=start_of_today
    )
    no_shows = sum(close_roster(session, now=now) for session in ended)
    return reminded, no_shows
