"""Sign-in lockout: 5 failures lock a login name, 50 lock an address, for 15 minutes.

django-axes compares every lockout parameter with one limit, so an address limit of 5 would
lock a whole school behind one NAT address after five pupils' typos. Axes counts per login name
(AXES_LOCKOUT_PARAMETERS = ["username"]); this handler adds the address rule on top, counted from
axes' own failure log in the database (one row per failure, kept across successful sign-ins, so
signing in to one's own account does not wipe the count of guesses at others).
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from axes.signals import user_locked_out

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


def address_failures(ip_address):
    """Failed sign-ins (passwords and second-factor codes) from this address in the cool-off."""
    if not ip_address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since).count()


def address_is_locked(request):
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    return address_failures(getattr(request, "axes_ip_address", None)) >= limit


class SignInLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit per client address."""

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or address_is_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if address_is_locked(request):
            logger.warning(
                "Sign-in locked for address %s after %s failures in %s.",
                request.axes_ip_address,
                settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
                settings.AXES_COOLOFF_TIME,
            )
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=(credentials or {}).get("username"),
                ip_address=request.axes_ip_address,
            )
