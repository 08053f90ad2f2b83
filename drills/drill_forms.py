"""Forms of units' drills: recording one (or its correction), and a problem made a hazard."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.forms import PhotoField
from inspections.models import SEVERITY_CHOICES

from .models import UnitDrill
from .models.unit_drills import MAX_EVACUATION_SECONDS, MAX_OTHERS
from .unit_drills import MAX_PHOTOS, MAX_PROBLEMS


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(PhotoField):
    """Zero or more photos, each checked as inspections checks one (an image, at most 10 MB)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault("help_text", _("Up to 6 photos: JPEG, PNG or WebP, at most 10 MB each."))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data]
        uploads = [upload for upload in uploads if upload]
        if len(uploads) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most 6 photos per drill."))
        return [super(PhotosField, self).clean(upload, initial) for upload in uploads]


class DrillForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date of the drill"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=UnitDrill.Kind.choices, widget=forms.RadioSelect
    )
    plan_version = forms.CharField(
        label=_("Version of the plan"),
        max_length=40,
        help_text=_("The 灭火和应急疏散预案 drilled, as its cover names it (e.g. 2026版)."),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Unit members who took part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others_count = forms.IntegerField(
        label=_("Others taking part"),
        min_value=0,
        max_value=MAX_OTHERS,
        initial=0,
        help_text=_("People who are not members of the unit (customers, tenants, visitors)."),
    )
    evacuation_seconds = forms.IntegerField(
        label=_("Time to evacuate (seconds)"),
        required=False,
        min_value=1,
        max_value=MAX_EVACUATION_SECONDS,
        help_text=_("From the alarm until the last person was out; needed for 疏散 and 综合."),
    )
    problems = forms.CharField(
        label=_("Problems found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One problem a line, at most 200 characters each; leave empty if none."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = PhotosField()

    def __init__(self, *args, members=None, correction=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members
        if correction:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the correction"),
                max_length=300,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Kept with the record, beside the record it corrects."),
            )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("The drill cannot be in the future."))
        return held_on

    def clean_problems(self):
        lines = [line.strip() for line in self.cleaned_data["problems"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_PROBLEMS:
            raise forms.ValidationError(_("At most 20 problems per drill."))
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("Each problem is at most 200 characters."))
        return lines

    def clean(self):
        cleaned = super().clean()
        timed = cleaned.get("kind") in UnitDrill.TIMED_KINDS
        if (
            timed
            and not cleaned.get("evacuation_seconds")
            and "evacuation_seconds" not in self.errors
        ):
            self.add_error(
                "evacuation_seconds", _("Give the time everyone took to get out, in seconds.")
            )
        return cleaned


class ProblemHazardForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITY_CHOICES)
    responsible = forms.ModelChoiceField(label=_("Responsible for fixing it"), queryset=None)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = members
