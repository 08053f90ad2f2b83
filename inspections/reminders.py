"""Reminders of hazards to the person responsible for the fix: before the deadline, and overdue.

Sent by `manage.py send_hazard_reminders`, run daily from cron. Each hazard gets at most one
reminder of each kind per deadline (HazardReminder's unique constraint), so a second run on
the same day, or two at once, sends nothing new; a deadline moved later earns new reminders.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notify import notify
from organisations import audit

from .models import Hazard, HazardReminder

Kind = HazardReminder.Kind


def hazards_to_remind(today):
    """{kind: hazards} still to rectify whose reminder of that kind is due today."""
    soon = today + timedelta(days=settings.HAZARD_REMINDER_DAYS_BEFORE)
    pending = Hazard.objects.filter(
        state=Hazard.State.PENDING, responsible__is_active=True
    ).select_related("point", "unit", "responsible")
    return {
        Kind.DUE_SOON: pending.filter(deadline__gte=today, deadline__lte=soon),
        # 逾期 from the day after the deadline (Hazard.is_overdue); a missed day is caught up.
        Kind.OVERDUE: pending.filter(deadline__lt=today),
    }


def _message(hazard, kind):
    values = {
        "item": hazard.title,
        "unit": hazard.unit.name,
        "deadline": hazard.deadline.isoformat(),
    }
    if kind == Kind.DUE_SOON:
        title = _("Hazard to rectify by %(deadline)s: %(item)s") % values
        body = (
            _(
                "%(unit)s: rectify it before the deadline, then report the fix with a note and "
                "a photo."
            )
            % values
        )
    else:
        title = _("Overdue hazard: %(item)s") % values
        body = (
            _(
                "%(unit)s: the deadline was %(deadline)s. Rectify it now and report the fix with "
                "a note and a photo."
            )
            % values
        )
    return title, body


def _remind(hazard, kind, now):
    """Send one reminder unless it was sent already; True when it was sent now."""
    person = hazard.responsible
    title, body = _message(hazard, kind)
    link = reverse("inspections:hazard", args=[hazard.pk])
    try:
        with transaction.atomic():
            HazardReminder.objects.create(
                hazard=hazard,
                kind=kind,
                deadline=hazard.deadline,
                user=person,
                sent_at=now,
                emailed=bool(person.email),
            )
            notify(person, title, body, link)
            audit.record(
                None,
                "firesafety.hazard.remind",
                instance=hazard,
                organisation=hazard.unit,
                person=person,
                data={"kind": kind, "deadline": hazard.deadline.isoformat()},
            )
    except IntegrityError:
        # Another run sent it a moment ago.
        return False
    return True


def send_hazard_reminders(now=None):
    """Send today's due reminders; returns {kind: number sent}."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = {}
    for kind, hazards in hazards_to_remind(today).items():
        already = set(
            HazardReminder.objects.filter(kind=kind, hazard__in=hazards).values_list(
                "hazard_id", "deadline"
            )
        )
        sent[kind] = sum(
            _remind(hazard, kind, now)
            for hazard in hazards
            if (hazard.pk, hazard.deadline) not in already
        )
    return sent
