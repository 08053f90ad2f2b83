from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from handbooks.models import HandbookPage

from .models import SEVERITY_CHOICES, Answer, Round
from .photos import PHOTO_VALIDATORS


class PhotoField(forms.ImageField):
    """An optional photo: an image (Pillow reads it), JPEG/PNG/WebP, at most 10 MB."""

    default_validators = PHOTO_VALIDATORS

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photo"))
        kwargs.setdefault("help_text", _("JPEG, PNG or WebP, at most 10 MB."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/*", "capture": "environment"})


class StartRoundForm(forms.Form):
    handbook = forms.ModelChoiceField(
        label=_("Handbook"),
        queryset=HandbookPage.objects.none(),
        empty_label=None,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Round.Kind.choices,
        widget=forms.RadioSelect,
        initial=Round.Kind.PATROL,
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        handbooks = HandbookPage.objects.live().order_by("path").only("pk", "title", "place_type")
        self.fields["handbook"].queryset = handbooks
        if unit is not None:
            place_types = set(unit.place_types.values_list("name", flat=True))
            suggested = next((h for h in handbooks if h.place_type in place_types), None)
            if suggested is not None:
                self.fields["handbook"].initial = suggested.pk


class AnswerForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=Answer.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where, and what you saw."),
    )
    photo = PhotoField()


class CorrectionForm(forms.Form):
    """A leader's correction of one answer of a signed round: the new result and note, and why."""

    result = forms.ChoiceField(
        label=_("Corrected result"), choices=Answer.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Corrected note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the record, beside the answer as signed."),
    )


class SignForm(forms.Form):
    inspector_name = forms.CharField(label=_("Inspector's name"), max_length=60)
    responsible = forms.ModelChoiceField(
        label=_("Responsible for fixing failed points"),
        queryset=None,
        required=False,
    )

    def __init__(self, *args, members=None, failed_points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = members
        self.failed_points = list(failed_points)
        for point in self.failed_points:
            self.fields[f"severity_{point.pk}"] = forms.ChoiceField(
                label=_("Severity: %(item)s") % {"item": point.item},
                choices=SEVERITY_CHOICES,
                initial=point.default_severity,
                # Left out (an old form, a script), the check point's own severity holds.
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        if self.failed_points and not cleaned.get("responsible"):
            self.add_error("responsible", _("Choose who fixes the failed check points."))
        return cleaned

    def severities(self):
        return {
            point.pk: self.cleaned_data.get(f"severity_{point.pk}") or point.default_severity
            for point in self.failed_points
        }


class HazardChangeForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=SEVERITY_CHOICES)
    responsible = forms.ModelChoiceField(label=_("Responsible person"), queryset=None)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, members=None, hazard=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = members
        self.hazard = hazard

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        unchanged = self.hazard is not None and deadline == self.hazard.deadline
        if deadline < timezone.localdate() and not unchanged:
            raise forms.ValidationError(_("The deadline is in the past."))
        return deadline


class RectifyForm(forms.Form):
    note = forms.CharField(
        # "What was done" is also a volunteer record's column (服务内容): here it is the fix.
        label=pgettext_lazy("hazard fix", "What was done"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photo = PhotoField(required=True, label=_("Photo of the fix"))


class NominateForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Member"), queryset=None)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
