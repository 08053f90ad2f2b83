from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
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
