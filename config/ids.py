"""Database ids as they come in from URLs and forms: at most 18 digits, so always a bigint.

Django's `<int:…>` and model choice fields take any number of digits, and a 23-digit id reaches
the database driver, which cannot bind it (OverflowError on SQLite): a 500 instead of a 404 or a
form error. Every app's URLs use `<id:…>` and its forms these fields.
"""

import re

from django import forms

MAX_ID = 2**63 - 1
ID_PATTERN = "[0-9]{1,18}"
_ID = re.compile(rf"^{ID_PATTERN}$")


def parse_id(value):
    """The id a posted value names, or None when it is not 1 to 18 ASCII digits."""
    if isinstance(value, str) and _ID.match(value):
        return int(value)
    return None


class DatabaseIdConverter:
    """`<id:pk>`: a positive id up to 18 digits; anything longer does not match (a 404)."""

    regex = ID_PATTERN

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class IdChoiceField(forms.ModelChoiceField):
    """A model choice whose posted id is refused as an invalid choice unless it is a bigint."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(str(value)) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several model choices, each posted id a bigint or the whole value refused."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
