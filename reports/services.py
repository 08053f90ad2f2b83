"""Reminders to people who are overdue or about to expire."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notice
from organisations import audit

from .models import Reminder

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 5000
REMIND_AGAIN_AFTER = timedelta(hours=24)


class TooManyRecipients(ValueError):
    pass


def send_reminders(sender, requirement, users, now=None, organisation=None):
    """Notify each person once per day per requirement; returns (reminded, skipped) counts.

    The batch is one audit entry in organisation (the report's, else the sender's own).
    """
    now = now or timezone.now()
    users = list(users)
    if len(users) > MAX_RECIPIENTS:
        raise TooManyRecipients(len(users))
    recent = set(
        Reminder.objects.filter(
            requirement=requirement,
            user__in=[user.pk for user in users],
            sent_at__gt=now - REMIND_AGAIN_AFTER,
        ).values_list("user_id", flat=True)
    )
    to_remind = [user for user in users if user.pk not in recent]
    course = requirement.course
    title = _("Reminder: please complete “%(course)s”") % {"course": course.title}
    body = _(
        "%(organisation)s requires this course by %(due)s. Open 我的学习 to continue where you "
        "left off."
    ) % {"organisation": requirement.organisation.name, "due": requirement.due_date.isoformat()}
    link = reverse("courses:learn")
    mails = [
        (title, f"{body}\n{settings.WAGTAILADMIN_BASE_URL}{link}", None, [user.email])
        for user in to_remind
        if user.email
    ]
    with transaction.atomic():
        Notice.objects.bulk_create(
            [Notice(user=user, title=title, body=body, link=link) for user in to_remind]
        )
        Reminder.objects.bulk_create(
            [
                Reminder(
                    requirement=requirement,
                    user=user,
                    sent_by=sender,
                    sent_at=now,
                    emailed=bool(user.email),
                )
                for user in to_remind
            ]
        )
        audit.record(
            sender,
            "firesafety.reminder.send",
            instance=requirement,
            organisation=organisation or audit.home_organisation(sender),
            data={
                "requirement": str(requirement),
                "reminded": len(to_remind),
                "skipped": len(users) - len(to_remind),
            },
        )
        if mails:
            # Mail leaves only if the notices were stored.
            transaction.on_commit(lambda: _mail_reminders(mails))
    return len(to_remind), len(users) - len(to_remind)


def _mail_reminders(mails):
    """Send the reminder mails; a mail server that fails is logged, the notices stand."""
    try:
        send_mass_mail(mails)
    except (OSError, smtplib.SMTPException):
        logger.exception("Reminder mail to %d recipients failed", len(mails))
