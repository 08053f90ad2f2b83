"""Codes an authenticator app would show, computed with django-otp's own TOTP."""

import re
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def totp_code(device, steps_ahead=0):
    """The code the app shows now (or so many 30-second steps later, which the server allows)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def code_from_secret(secret_text, steps_ahead=0):
    """The code for a base32 secret as the enrolment page shows it (groups of four)."""
    from base64 import b32decode

    secret = re.sub(r"\s", "", secret_text)
    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def enrol(user):
    """Give the person a confirmed authenticator app; returns (device, recovery codes)."""
    device = two_factor.enrolment_device(user)
    codes = two_factor.confirm_enrolment(device, totp_code(device))
    return TOTPDevice.objects.get(pk=device.pk), codes
