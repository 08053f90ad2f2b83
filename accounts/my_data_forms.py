from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import clean_real_name, mainland_mobile_validator, normalise_phone


class ContactDetailsForm(forms.ModelForm):
    """Name and phone; a new phone is saved only once proved with a code sent to it by SMS."""

    name = forms.CharField(
        label=_("Real name"),
        max_length=60,
        error_messages={"required": _("Enter your real name.")},
    )
    # Longer than the stored 11 digits: people type spaces, dashes or +86, removed in clean.
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    class Meta:
        model = get_user_model()
        fields = ["name", "phone"]

    def clean_name(self):
        return clean_real_name(self.cleaned_data["name"])

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data.get("phone")) or None
        if phone:
            mainland_mobile_validator(phone)
        # Whether another account has the number is not said here (that would tell anyone
        # signed in who is registered): a new number is proved by SMS first.
        return phone

    def validate_unique(self):
        # The phone's uniqueness is settled when the SMS code is checked (see clean_phone).
        pass


class DeleteAccountForm(forms.Form):
    """The person's password, to be sure it is them and that they mean it."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."))
        return password
