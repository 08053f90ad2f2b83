"""Cell values as people type them, made comparable: full-width forms, stray spaces, phones.

Every import reads its cells through these, so "１３９ 0011 2234", 13900112234 (a number cell)
and "+86 139-0011-2234" are the same phone, and "青浦区／朱家角镇" the same path as
"青浦区/朱家角镇". Nothing here knows about members or questions; the imports decide what a
value must look like once it is normalised.
"""

import re
import unicodedata
from datetime import date, datetime

# Any run of whitespace, including the ideographic space (U+3000) and no-break spaces.
_SPACES = re.compile(r"\s+")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Spaces between two Chinese characters ("张  三" aligned to three-character names) carry no
# meaning; between Latin letters ("Li Ming") they do.
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
# What Excel shows, and writes into a CSV, for a long number in a "General" column.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_PHONE_PUNCTUATION = re.compile(r"[\s\-–—.()（）]")


def cell_text(value):
    """A cell as text, as the person typed it: numbers without ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # A phone or a number typed into a number cell: 13900112234.0.
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    # A leading apostrophe is Excel's way of typing a number as text.
    return str(value).strip().lstrip("'").strip()


def text(value):
    """NFKC (full-width letters, digits and slashes to their ordinary forms), spaces collapsed."""
    normalised = unicodedata.normalize("NFKC", cell_text(value))
    return _SPACES.sub(" ", normalised).strip()


def name(value):
    """A person's name: text(), without the spaces people put between Chinese characters."""
    return _SPACE_BETWEEN_CJK.sub("", text(value))


def label(value):
    """A column heading to compare with a synonyms table: no spaces, marks or notes.

    "手机号码（必填）", "* 姓名", "联系电话:" become 手机号码, 姓名, 联系电话.
    """
    heading = text(value).replace("\ufeff", "")
    heading = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", heading)
    return re.sub(r"[\s*:：#]", "", heading)


def phone_cell_text(value):
    """A phone cell as text. A number cell of ten or more digits ending in five or more zeros is
    what a phone shown as 1.39001E+10 becomes once that text is read back as a number (a CSV
    reopened in Excel): its last digits are gone. It is given back as Excel showed it, so
    is_scientific refuses it instead of a wrong phone being stored. A real number ending in
    00000 can still be typed as text (a column formatted as text, or a leading apostrophe)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        digits = str(int(value))
        significant = digits.rstrip("0")
        if len(digits) >= 10 and len(digits) - len(significant) >= 5:
            mantissa = significant[0] + (f".{significant[1:]}" if len(significant) > 1 else "")
            return f"{mantissa}E+{len(digits) - 1}"
    return cell_text(value)


def is_scientific(value):
    """True for a number written as 1.39001E+10: Excel has already dropped its last digits."""
    return isinstance(value, str) and bool(_SCIENTIFIC.match(text(value)))


def phone(value):
    """A mainland phone as digits only: no spaces, dashes or brackets, no +86 / 86 / 0086.

    Returns the digits; the caller validates them (a scientific-notation value is the caller's
    to refuse first, see is_scientific). A number cell that is not a whole number stays as
    typed, so it fails validation rather than being rounded.
    """
    digits = _PHONE_PUNCTUATION.sub("", text(value))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits
