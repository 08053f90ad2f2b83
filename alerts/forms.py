from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from config.ids import IdChoiceField
from organisations.models import Organisation
from quizzes.models import Quiz

from .models import ALERT_KINDS, PLACE_TYPE_CHOICES


def _kind_choices():
    return [("", _("All kinds"))] + [
        (kind, model._meta.verbose_name_plural) for kind, model in ALERT_KINDS.items()
    ]


class AlertFilterForm(forms.Form):
    """The index's filters; a value that is not one of the choices is ignored, never an error."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_kind_choices)
    place_type = forms.ChoiceField(
        label=_("Place type"),
        required=False,
        choices=[("", _("All place types")), *PLACE_TYPE_CHOICES],
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)

    def clean_values(self):
        """The filters that are valid; invalid ones drop out as if not given."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and name not in self.errors
        }

    def filter(self, alerts):
        values = self.clean_values()
        if "kind" in values:
            alerts = alerts.of_kind(values["kind"])
        if "place_type" in values:
            alerts = alerts.filter(place_type=values["place_type"])
        if "year" in values:
            alerts = alerts.filter(date__year=values["year"])
        if "tag" in values:
            alerts = alerts.filter(tags__name=values["tag"])
        return alerts

    def query_string(self):
        """The active filters, for pagination links."""
        return urlencode(self.clean_values())


ROOT_CHOICES_LIMIT = 300


class SendAlertForm(forms.Form):
    """Choose the units to send an alert to: a subtree, narrowed by kind, place type, sector."""

    root = IdChoiceField(
        label=_("Send to units under"),
        queryset=Organisation.objects.none(),
        help_text=_("The organisation itself and everything below it."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of unit"),
        required=False,
        choices=[
            ("", _("Social units and schools")),
            (Organisation.Kind.UNIT, Organisation.Kind.UNIT.label),
            (Organisation.Kind.SCHOOL, Organisation.Kind.SCHOOL.label),
            (Organisation.Kind.DEPARTMENT, Organisation.Kind.DEPARTMENT.label),
            (Organisation.Kind.COMMUNITY, Organisation.Kind.COMMUNITY.label),
            (Organisation.Kind.VILLAGE, Organisation.Kind.VILLAGE.label),
        ],
    )
    place_type = forms.ChoiceField(
        label=_("Place type"),
        required=False,
        choices=[("", _("Any place type")), *PLACE_TYPE_CHOICES],
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("Any sector")), *Organisation.Sector.choices],
    )

    check_quiz = IdChoiceField(
        label=_("Check quiz"),
        required=False,
        queryset=Quiz.objects.none(),
        empty_label=_("None: confirming is enough"),
        help_text=_("Readers must pass this quiz before they can confirm 已阅知."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["check_quiz"].queryset = Quiz.objects.open().order_by("title")
        roots = organisations.exclude(
            kind__in=[Organisation.Kind.CLASS, Organisation.Kind.VOLUNTEER_TEAM]
        ).order_by("path")
        # A district lists 20,000 organisations: one select of them all is unusable on a phone
        # and heavy to send. Past the limit, offer what has organisations below it (towns,
        # communities, schools…); a single unit is then reached through its parent and filters.
        if roots.count() > ROOT_CHOICES_LIMIT:
            roots = roots.filter(numchild__gt=0)
            self.fields["root"].help_text = _(
                "The organisation itself and everything below it. Only organisations with "
                "others below them are listed; narrow to units with the filters below."
            )
        self.fields["root"].queryset = roots
        self.fields["root"].label_from_instance = lambda organisation: (
            "　" * max(organisation.depth - 1, 0) + organisation.name
        )
