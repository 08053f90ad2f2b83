from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015: 18 characters from this alphabet; the last is a check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code_check_character(first_17):
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first_17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value):
    """统一社会信用代码: 18 characters of the GB 32100 alphabet with a valid check character."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(char not in CREDIT_CODE_ALPHABET for char in code):
        raise ValidationError(
            _("A unified social credit code has 18 digits and capital letters."),
            code="credit_code_format",
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code is not valid: check it for a typing error."),
            code="credit_code_checksum",
        )
