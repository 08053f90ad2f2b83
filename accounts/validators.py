from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Mainland China mobile numbers: 11 digits, 1 then 3–9 (no country code, no separators).
mainland_mobile_validator = RegexValidator(
    regex=r"^1[3-9]\d{9}$",
    message=_("Enter an 11-digit mainland mobile number, such as 13812345678."),
    code="invalid_phone",
)


def normalise_phone(value):
    """Strip spaces, dashes and a leading +86 so people can paste numbers as they write them."""
    if value is None:
        return None
    digits = value.strip().replace(" ", "").replace("-", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits or None


def clean_real_name(value):
    """A real name, as printed on certificates: not empty once stripped."""
    name = value.strip()
    if not name:
        raise ValidationError(_("Enter your real name."))
    return name


def mask_phone(value):
    """138****5678: the form in which a phone is shown to anyone but its owner."""
    if not value or len(value) < 7:
        return value or ""
    return f"{value[:3]}****{value[-4:]}"


def name_for_lists(name, username, phone):
    """The real name, or the login name where there is none, masked when it is the phone."""
    if name:
        return name
    return mask_phone(username) if phone and username == phone else username


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with a message of ours: Django's Chinese catalogue lacks this one."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
