"""Reminders of 针对性培训 to the person it was assigned to: before the due date, and overdue.

Sent by `manage.py send_assignment_reminders`, run daily from cron. Each assignment gets each
reminder at most once: the run claims it by stamping the assignment in the same statement that
checks it was not stamped, so a second run, or two at once, sends nothing new.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notify import notify
from organisations import audit

from .models import LessonAssignment

DUE_SOON, OVERDUE = "due_soon", "overdue"
STAMPS = {DUE_SOON: "due_soon_reminded_at", OVERDUE: "overdue_reminded_at"}


def assignments_to_remind(today):
    """{kind: assignments} still open whose reminder of that kind is due today."""
    soon = today + timedelta(days=settings.ASSIGNMENT_REMINDER_DAYS_BEFORE)
    open_ = LessonAssignment.objects.filter(
        completed_at__isnull=True, user__is_active=True, lesson__live=True
    ).select_related("user", "lesson", "organisation")
    return {
        DUE_SOON: open_.filter(
            due_soon_reminded_at__isnull=True, due_date__gte=today, due_date__lte=soon
        ),
        # Overdue from the day after the due date (assignment_status); a missed day is caught up.
        OVERDUE: open_.filter(overdue_reminded_at__isnull=True, due_date__lt=today),
    }


def _message(assignment, kind):
    values = {
        "lesson": assignment.lesson.title,
        "due": assignment.due_date.isoformat(),
        "reason": assignment.reason,
    }
    if kind == DUE_SOON:
        title = _("Targeted training due by %(due)s: %(lesson)s") % values
        body = _("Assigned because: %(reason)s. Complete the lesson by %(due)s.") % values
    else:
        title = _("Targeted training overdue: %(lesson)s") % values
        body = (
            _("Assigned because: %(reason)s. It was due on %(due)s: complete the lesson now.")
            % values
        )
    return title, body


def _remind(assignment, kind, now):
    """Send one reminder unless another run claimed it; True when it was sent now."""
    stamp = STAMPS[kind]
    with transaction.atomic():
        claimed = LessonAssignment.objects.filter(
            pk=assignment.pk, completed_at__isnull=True, **{f"{stamp}__isnull": True}
        ).update(**{stamp: now})
        if not claimed:
            return False
        person = assignment.user
        title, body = _message(assignment, kind)
        notify(person, title, body, assignment.lesson.url or "")
        audit.record(
            None,
            "firesafety.refresher.remind",
            instance=assignment.lesson,
            organisation=assignment.organisation,
            person=person,
            data={"kind": kind, "due_date": assignment.due_date.isoformat()},
        )
    return True


def send_assignment_reminders(now=None):
    """Send today's due reminders; returns {kind: number sent}."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        kind: sum(_remind(assignment, kind, now) for assignment in assignments.iterator())
        for kind, assignments in assignments_to_remind(today).items()
    }
