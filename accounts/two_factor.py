"""Two-factor sign-in: who must use it, enrolment of an authenticator app, recovery codes.

The devices are django-otp's: one TOTP device (any authenticator app) and one static device that
holds the recovery codes. accounts knows staff and superusers; other apps add their own rules of
who must use a second factor with register_requirement (organisations adds the coordinators of a
district, street, town or industry department), since accounts sits below them.
"""

import time

import segno
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.conf import settings
from django.db import transaction

from .admin_access import may_use_admin

RECOVERY_CODE_COUNT = 10
PENDING_SESSION_KEY = "two_factor_pending"
# Set when the middleware found that this session owes no second factor (see middleware).
EXEMPT_SESSION_KEY = "two_factor_exempt"


def start_pending_sign_in(request, user, next_url):
    """Remember who passed the password; the code step finishes the sign-in."""
    request.session[PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "next": next_url,
        "since": time.time(),
    }


_requirements = []


def register_requirement(func):
    """Add func(user) -> bool: True when this person must sign in with a second factor."""
    if func not in _requirements:
        _requirements.append(func)
    return func


def must_use_two_factor(user):
    """Whether this person holds powers that need a second factor (等保 2.0: administrators)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff or may_use_admin(user):
        return True
    return any(requirement(user) for requirement in _requirements)


def is_required():
    """Whether the powerful must have a second factor here (production), or only may."""
    return settings.TWO_FACTOR_REQUIRED


def second_factor_owed(user):
    """What an unverified session of this person owes: "verify", "enrol", or None (nothing)."""
    if has_two_factor(user):
        return "verify"
    if is_required() and must_use_two_factor(user):
        return "enrol"
    return None


def exemption_key(user):
    # Bound to the person and to the setting, so that turning enforcement on takes effect at once.
    return f"{user.pk}:{int(is_required())}"


def remember_exemption(sender, request, user, **kwargs):
    """At sign-in (user_logged_in), note in the session when it owes no second factor."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(EXEMPT_SESSION_KEY, None)
    if second_factor_owed(user) is None:
        request.session[EXEMPT_SESSION_KEY] = exemption_key(user)


def has_two_factor(user):
    """Whether the person has set up an authenticator app (a confirmed TOTP device)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user):
    """The not yet confirmed TOTP device whose secret the enrolment page shows (made once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_text(device):
    """The secret as an app asks to type it: base32 in groups of four."""
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_data_uri(device):
    """The otpauth address as an inline SVG QR code: the secret never leaves this page."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def normalise_code(code):
    return "".join((code or "").split()).replace("-", "").lower()


def confirm_enrolment(device, code):
    """Confirm the app with a code it shows; returns the new recovery codes, or None if wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or not device.verify_token(normalise_code(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        return _replace_recovery_codes(device.user)


def new_recovery_codes(user):
    """Replace the person's recovery codes with a new set (shown once)."""
    with transaction.atomic():
        return _replace_recovery_codes(user)


def _replace_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_second_factor(user, code):
    """The device that accepts this code (the app's 6 digits or a recovery code), or None.

    A recovery code is used up; an app code cannot be used twice (django-otp keeps the last
    time step).
    """
    code = normalise_code(code)
    if not code or len(code) > 16:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def remove_second_factor(person):
    """Delete the person's app and recovery codes (after a lost phone); returns how many."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            _, per_model = model.objects.filter(user=person).delete()
            removed += per_model.get(model._meta.label, 0)
    return removed
