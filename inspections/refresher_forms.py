"""Forms of targeted refresher training: a round's lessons to members, a district's to units."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.place_types import PLACE_TYPES

NOT_FAILED = _("This lesson does not teach a failed check point.")


class DueDateField(forms.DateField):
    """A due date from today on."""

    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Due date"))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))


def _lesson_field(offered):
    return forms.TypedMultipleChoiceField(
        label=_("Lessons"),
        coerce=int,
        choices=[(found.lesson.pk, found.lesson.title) for found in offered],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one lesson."),
            "invalid_choice": NOT_FAILED,
        },
    )


class RoundRefresherForm(forms.Form):
    everyone = forms.BooleanField(label=_("The whole unit (every current member)"), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = DueDateField()

    def __init__(self, *args, offered=(), members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"lessons": _lesson_field(offered), **self.fields}
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda person: person.name or person.username

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("everyone")
            and not cleaned.get("members")
            and "members" not in self.errors
        ):
            self.add_error("members", _("Choose members, or the whole unit."))
        return cleaned


class PlaceTypeForm(forms.Form):
    place_type = forms.ChoiceField(
        label=_("Place type"), choices=[("", "—"), *((name, name) for name in PLACE_TYPES)]
    )


class DistrictRefresherForm(forms.Form):
    place_type = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[(name, name) for name in PLACE_TYPES]
    )
    due_date = DueDateField()

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"lessons": _lesson_field(offered), **self.fields}
