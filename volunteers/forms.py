from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.ids import IdChoiceField, IdMultipleChoiceField
from courses.models import CoursePage

from .models import HOURS_STEP, MAX_HOURS_PER_DAY, ServiceRecord, TeamSettings

HOURS_INPUT = {"step": str(HOURS_STEP), "min": str(HOURS_STEP), "max": str(MAX_HOURS_PER_DAY)}


def _step_within_bounds(step_validator):
    """The model's half-hour check, asked only of values in range: Django's step check works in
    floats, and a value such as -1e999 (a valid Decimal) makes it raise instead of refusing."""

    def check(value):
        if HOURS_STEP <= value <= MAX_HOURS_PER_DAY:
            step_validator(value)

    return check


def _hours_validators():
    """The model field's validators, the step check kept to values in range (the min and max
    validators refuse the rest, with their own messages)."""
    from django.core.validators import StepValueValidator

    return [
        _step_within_bounds(validator) if isinstance(validator, StepValueValidator) else validator
        for validator in ServiceRecord._meta.get_field("hours").validators
    ]


def clean_activity_date(value):
    """An activity is logged once it has happened."""
    if value > timezone.localdate():
        raise forms.ValidationError(
            _("The date is in the future: log an activity once it has happened.")
        )
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActivityForm(forms.ModelForm):
    """What a volunteer logs; the future-date, duplicate and 24-hour checks live in services."""

    class Meta:
        model = ServiceRecord
        fields = ["team", "date", "kind", "hours", "place", "description", "photo"]
        field_classes = {"team": IdChoiceField}
        widgets = {
            "date": DateInput(),
            "hours": forms.NumberInput(attrs=HOURS_INPUT),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = None
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if not self.instance.pk:
            self.fields["date"].initial = timezone.localdate()
        if self.instance.pk:
            # The team of a logged record stays: the coordinator who checks it is that team's.
            del self.fields["team"]

    def clean_date(self):
        return clean_activity_date(self.cleaned_data["date"])


class GroupActivityForm(forms.Form):
    """One activity (a drill everyone attended) logged by the coordinator for several members."""

    members = IdMultipleChoiceField(
        label=_("Members who took part"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    date = forms.DateField(label=_("date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("kind of activity"), choices=ServiceRecord.Kind.choices)
    hours = forms.DecimalField(
        label=_("hours"),
        max_digits=4,
        decimal_places=1,
        validators=_hours_validators(),
        widget=forms.NumberInput(attrs=HOURS_INPUT),
    )
    place = forms.CharField(label=_("place"), max_length=120)
    description = forms.CharField(
        label=_("what was done"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda user: user.name or user.username
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        return clean_activity_date(self.cleaned_data["date"])


class TeamSettingsForm(forms.ModelForm):
    class Meta:
        model = TeamSettings
        fields = ["required_course"]
        field_classes = {"required_course": IdChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["required_course"]
        field.queryset = CoursePage.objects.live().order_by("title")
        field.empty_label = _("No course: hours count at once")
