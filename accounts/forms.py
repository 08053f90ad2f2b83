import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Sign-in by login name (usually the phone number) and password."""

    error_messages = {
        # One message for every failure, so the form never tells whether an account exists.
        "invalid_login": _("The login name or password is not correct. Please try again."),
        "inactive": _("The login name or password is not correct. Please try again."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Login name or phone number")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].label = _("Password")


class ChangePasswordForm(PasswordChangeForm):
    """Django's password change, with our labels; the validators come from settings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")


class PhoneCodeForm(forms.Form):
    """The 6-digit code sent by SMS; full-width digits and spaces are accepted."""

    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        error_messages={"required": _("Enter the 6-digit code from the SMS.")},
    )

    def clean_code(self):
        code = "".join(unicodedata.normalize("NFKC", self.cleaned_data["code"]).split())
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError(_("The code has 6 digits."))
        return code
