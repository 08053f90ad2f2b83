from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.ids import IdChoiceField
from organisations.models import Membership

from .models import CoursePage, TrainingRequirement

REQUIRABLE_ROLES = [
    (v, label) for v, label in Membership.Role.choices if v != Membership.Role.COORDINATOR
]


def clean_renewal_months(months):
    """Renewal is at least monthly; empty means none (coordinators' and the admin's form)."""
    if months is not None and months < 1:
        raise forms.ValidationError(
            _("Renewal must be at least every month; leave it empty for no renewal.")
        )
    return months


class TrainingRequirementForm(forms.ModelForm):
    """A coordinator requires a course of some roles in an organisation they can see."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=REQUIRABLE_ROLES, widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = TrainingRequirement
        fields = ["course", "organisation", "roles", "due_date", "renewal_months"]
        field_classes = {"course": IdChoiceField, "organisation": IdChoiceField}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["organisation"].queryset = organisations.order_by("path")
        self.fields["renewal_months"].widget.attrs["min"] = 1

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_date

    def clean_renewal_months(self):
        return clean_renewal_months(self.cleaned_data.get("renewal_months"))
