"""The filters of the audit log /manage/audit/."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditFilterForm(forms.Form):
    """Action, person and dates; a bad value is a form error and the filter is left out."""

    action = forms.ChoiceField(label=pgettext_lazy("audit log", "Action"), required=False)
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=60,
        help_text=_("Name, full mobile number or its last four digits, of either side."),
    )
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *actions]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
