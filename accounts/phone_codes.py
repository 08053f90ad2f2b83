"""Confirmation codes sent by SMS: proving that a person holds the phone they give.

A code is 6 digits, valid for 5 minutes and for 5 tries; only the newest code of a phone and
purpose counts. At most 1 code a minute and 10 a day go to one phone, and 20 an hour are asked
from one address. The limits are counted on the PhoneCode rows in the database, so they hold
across every worker and survive a cache flush; a failed send gives its place back.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import sms
from .models import PhoneCode

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_VALID = timedelta(minutes=5)
MAX_TRIES = 5


@dataclass(frozen=True)
class Limit:
    field: str  # "phone" or "ip_address"
    count: int
    window: timedelta


LIMITS = [
    Limit("phone", 1, timedelta(minutes=1)),
    Limit("phone", 10, timedelta(days=1)),
    Limit("ip_address", 20, timedelta(hours=1)),
]
KEEP_ROWS_FOR = max(limit.window for limit in LIMITS)


class TooManyCodes(Exception):
    """More codes were asked for than the limits allow; `retry_at` says from when."""

    def __init__(self, retry_at):
        super().__init__(retry_at)
        self.retry_at = retry_at

    def retry_after_seconds(self, now=None):
        return max(1, int((self.retry_at - (now or timezone.now())).total_seconds()) + 1)


class CodeRejected(Exception):
    """The code typed was wrong, expired or tried too often; the message says which."""


def client_address(request):
    """The address codes are counted against (the proxy sets REMOTE_ADDR in production)."""
    return request.META.get("REMOTE_ADDR", "unknown")


def _hash(phone, purpose, code):
    # Keyed with SECRET_KEY: a million possible codes are no secret behind a plain hash, so a
    # copy of the database alone must not give them away.
    return salted_hmac(
        "accounts.PhoneCode", f"{phone}:{purpose}:{code}", algorithm="sha256"
    ).hexdigest()


def _generate_code():
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _retry_at(entry):
    """When the limits allow another code, or None if this one is within them."""
    latest = None
    for limit in LIMITS:
        since = entry.created_at - limit.window
        others = list(
            PhoneCode.objects.filter(
                **{limit.field: getattr(entry, limit.field)}, created_at__gt=since
            )
            .exclude(pk=entry.pk)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(others) >= limit.count:
            # The earliest moment enough of the others have left the window.
            free_at = others[len(others) - limit.count] + limit.window
            latest = free_at if latest is None else max(latest, free_at)
    return latest


def issue_code(phone, purpose, *, ip_address, user=None, template="verification_code"):
    """Make a new code for the phone and send the SMS; raises TooManyCodes or SmsSendError.

    With another template the SMS carries no code (someone tried to register a number that
    already has an account): the row is still made, so the limits and the page look the same.
    """
    now = timezone.now()
    code = _generate_code()
    PhoneCode.objects.filter(created_at__lt=now - KEEP_ROWS_FOR).delete()
    # Written first and counted after, each in its own commit: two requests at the same moment
    # both see each other's row and neither slips past the limit (at worst both are refused).
    entry = PhoneCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_hash(phone, purpose, code),
        user=user,
        ip_address=ip_address[:45],
        created_at=now,
        expires_at=now + CODE_VALID,
    )
    retry_at = _retry_at(entry)
    if retry_at is not None:
        entry.delete()
        raise TooManyCodes(retry_at)
    params = {"code": code, "minutes": CODE_VALID.seconds // 60}
    try:
        sms.send_sms(phone, template, **(params if template == "verification_code" else {}))
    except sms.SmsSendError:
        entry.delete()
        raise
    return entry


def confirm_code(phone, purpose, code, *, user=None):
    """Check a typed code against the newest one for the phone; raises CodeRejected."""
    now = timezone.now()
    with transaction.atomic():
        entry = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, user=user, used_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if entry is None or entry.expires_at <= now:
            problem = _("The code has expired. Ask for a new one.")
        elif entry.attempts >= MAX_TRIES:
            problem = _("The code was tried too many times. Ask for a new one.")
        else:
            entry.attempts += 1
            if constant_time_compare(entry.code_hash, _hash(phone, purpose, code)):
                entry.used_at = now
                problem = None
            elif entry.attempts >= MAX_TRIES:
                problem = _(
                    "The code is not correct, and it was tried too many times. Ask for a new one."
                )
            else:
                left = MAX_TRIES - entry.attempts
                problem = ngettext(
                    "The code is not correct. %(count)s more try.",
                    "The code is not correct. %(count)s more tries.",
                    left,
                ) % {"count": left}
            entry.save(update_fields=["attempts", "used_at"])
    # Raised after the commit, so that the try is counted.
    if problem:
        raise CodeRejected(problem)
    return entry


def phone_holder(phone, *, excluding=None):
    """The account that has this phone, or signs in with it, other than `excluding`."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    holders = get_user_model().objects.filter(Q(phone=phone) | Q(username=phone))
    if excluding is not None:
        holders = holders.exclude(pk=excluding.pk)
    return holders.first()


def code_template_for(holder):
    """What the SMS says when a number is asked for: a code, unless its owner proved it already.

    A proved owner gets no code (nobody else may use the number) but a warning; the page shown
    is the same either way, so the form tells no stranger who is registered.
    """
    if holder is not None and holder.phone_is_verified:
        return "registration_attempt"
    return "verification_code"


def tell_holder_about_proof(holder, where):
    """An in-site notice to the account holding a phone someone else has just proved by SMS."""
    from .models import Notice

    Notice.objects.create(
        user=holder,
        title=_("Someone else confirmed your phone number"),
        body=_(
            "Someone proved with a code sent by SMS that they hold %(phone)s, the phone number "
            "on your account, while %(where)s. The number stays on your account. If it is not "
            "yours, ask your coordinator to move it to its owner; if it is yours, confirm it "
            "under My data."
        )
        % {"phone": holder.masked_phone, "where": where},
        link=reverse("accounts_my_data:overview"),
    )
