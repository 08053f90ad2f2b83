from datetime import datetime, time

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import clean_real_name, mainland_mobile_validator, normalise_phone

from .models import Membership


class EnterCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=20,
        help_text=_("The 8 letters and digits on the poster or from your teacher."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def clean_class_number(value):
    """A student number: digits and letters only, so it can be part of a login name."""
    number = (value or "").strip()
    if not number or not all(ch.isalnum() or ch in "-_" for ch in number):
        raise ValidationError(_("Use only digits and letters, such as 12."))
    return number


class AdultRegistrationForm(forms.Form):
    """Real name, phone (the login name) and a password that passes Django's validators."""

    name = forms.CharField(label=_("Real name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        help_text=_("You sign in with this number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_name(self):
        return clean_real_name(self.cleaned_data["name"])

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"]) or ""
        mainland_mobile_validator(phone)
        # Whether the phone has an account is not said here: the form must not tell strangers
        # who is registered (the SMS step deals with it).
        return phone

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            probe = get_user_model()(
                username=cleaned.get("phone", ""),
                name=cleaned.get("name", ""),
                phone=cleaned.get("phone") or None,
            )
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class StudentRegistrationForm(forms.Form):
    """Only a name and the number in the class: no phone is asked of a minor."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        help_text=_("Your real name, as your teacher knows it."),
    )
    number = forms.CharField(
        label=_("Your number in the class"),
        max_length=30,
        help_text=_("The student number your teacher gave you, such as 12."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Enter your name."))
        return name

    def clean_number(self):
        return clean_class_number(self.cleaned_data["number"])


class JoinAsSignedInForm(forms.Form):
    """A signed-in person confirms; students also give their number in the class."""

    number = forms.CharField(label=_("Your number in the class"), max_length=30, required=False)

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        if role == Membership.Role.STUDENT:
            self.fields["number"].required = True
        else:
            del self.fields["number"]

    def clean_number(self):
        number = self.cleaned_data.get("number", "")
        return clean_class_number(number) if self.role == Membership.Role.STUDENT else number


class JoinCodeForm(forms.Form):
    """What a coordinator chooses for a new code: the role it grants and an optional expiry."""

    role = forms.ChoiceField(label=_("Role granted"), choices=[])
    expires_on = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        help_text=_("Leave empty for a code that works until you disable it."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on and expires_on < timezone.localdate():
            raise ValidationError(_("Choose today or a later date."))
        return expires_on

    def expires_at(self):
        """The end of the chosen day, local time, or None."""
        expires_on = self.cleaned_data.get("expires_on")
        if not expires_on:
            return None
        return timezone.make_aware(datetime.combine(expires_on, time.max))
