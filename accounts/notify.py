"""A message to one person: a notice in 我的消息, and the same by e-mail when they gave one.

The mail leaves only once the surrounding transaction has committed (a rolled-back reminder
sends nothing), and a mail server that fails is logged: the notice stands.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.text import Truncator

from .models import Notice

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = Notice._meta.get_field("title").max_length


def notify(person, title, body, link=""):
    """Store the notice and queue the mail; True when a mail was queued."""
    title = Truncator(title).chars(TITLE_MAX_LENGTH)
    Notice.objects.create(user=person, title=title, body=body, link=link)
    if not person.email:
        return False
    text = f"{body}\n{settings.WAGTAILADMIN_BASE_URL}{link}" if link else body
    mail = (title, text, [person.email])
    transaction.on_commit(lambda: _mail(*mail))
    return True


def _mail(subject, text, recipients):
    try:
        send_mail(subject, text, None, recipients)
    except (OSError, smtplib.SMTPException):
        logger.exception("Notice mail failed")
