"""A message about a session to one person: in 我的消息, and by e-mail when they have one."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Notice

logger = logging.getLogger(__name__)


def session_link(session):
    return reverse("drills:session", args=[session.pk])


def notify(person, title, body, link):
    """Write the notice now; the mail goes after the commit (a rolled-back change sends none)."""
    Notice.objects.create(user=person, title=title, body=body, link=link)
    if person.email:
        mail = (title, f"{body}\n{settings.WAGTAILADMIN_BASE_URL}{link}", [person.email])
        transaction.on_commit(lambda: _mail(*mail))


def _mail(subject, text, recipients):
    """A mail server that fails is logged; the notice in 我的消息 stands."""
    try:
        send_mail(subject, text, None, recipients)
    except (OSError, smtplib.SMTPException):
        logger.exception("Training session mail failed")
