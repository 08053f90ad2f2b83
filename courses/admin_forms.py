from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .forms import REQUIRABLE_ROLES, clean_renewal_months
from .models import Certificate, TrainingRequirement
from .services import revoke_certificate


class TrainingRequirementAdminForm(WagtailAdminModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=REQUIRABLE_ROLES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TrainingRequirement
        fields = ["course", "organisation", "roles", "due_date", "renewal_months", "is_active"]

    def clean_renewal_months(self):
        return clean_renewal_months(self.cleaned_data.get("renewal_months"))


class RevokeCertificateForm(WagtailAdminModelForm):
    """Revoking needs a reason, which the public verification page shows."""

    revoked_reason = forms.CharField(label=_("Reason for revoking"), max_length=200)

    class Meta:
        model = Certificate
        fields = ["revoked_reason"]

    def save(self, commit=True):
        return revoke_certificate(
            self.instance, self.cleaned_data["revoked_reason"], actor=self.for_user
        )
