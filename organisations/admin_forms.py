"""The Wagtail admin form for organisations: the parent is a field, moves go through treebeard."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from config.ids import IdChoiceField

from .models import Organisation

TREE_INDENT = "\u3000"  # an ideographic space: one Chinese character wide


def indented_label(organisation):
    return f"{TREE_INDENT * (organisation.depth - 1)}{organisation.name}"


class OrganisationAdminForm(WagtailAdminModelForm):
    """Add an organisation under a parent, or move one (with its subtree) to a new parent."""

    parent = IdChoiceField(
        label=_("Parent organisation"),
        queryset=Organisation.objects.order_by("path"),
        required=False,
        help_text=_("Leave empty for a top organisation (a district)."),
    )

    class Meta:
        model = Organisation
        fields = [
            "parent",
            "name",
            "kind",
            "sector",
            "place_types",
            "credit_code",
            "address",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Indented by depth in tree order: no query per option (full_name() would need one).
        self.fields["parent"].label_from_instance = indented_label
        self.fields = {"parent": self.fields.pop("parent"), **self.fields}
        if self.instance.pk:
            self.initial["parent"] = self.instance.get_parent()
            # An organisation cannot be its own parent: leave itself and its subtree out.
            self.fields["parent"].queryset = Organisation.objects.exclude(
                path__startswith=self.instance.path
            ).order_by("path")

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        instance = self.instance
        if parent is not None and instance.pk and parent.path.startswith(instance.path):
            raise forms.ValidationError(
                _("An organisation cannot move under itself or an organisation below it.")
            )
        return parent

    def save(self, commit=True):
        parent = self.cleaned_data.get("parent")
        instance = self.instance
        if instance.pk is None:
            if parent is None:
                instance = Organisation.add_root(instance=instance)
            else:
                parent.refresh_from_db()
                instance = parent.add_child(instance=instance)
            self.instance = instance
            self._save_m2m()
            return instance
        instance = super().save(commit=True)
        old_parent = instance.get_parent(update=True)
        if parent != old_parent:
            # treebeard rewrites the paths of the whole subtree; memberships point at ids and stay.
            if parent is None:
                instance.move(Organisation.get_first_root_node(), pos="sorted-sibling")
            else:
                instance.move(parent, pos="sorted-child")
            instance.refresh_from_db()
        return instance
