"""Wagtail admin: browse, search, add, move and deactivate organisations."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from . import audit
from .admin_forms import TREE_INDENT, OrganisationAdminForm
from .models import AuditEntry, Membership, Organisation


def indented_name(organisation):
    """Indent by depth so the listing, ordered by path, reads as a tree."""
    indent = TREE_INDENT * (organisation.depth - 1)
    return f"{indent}{'└ ' if organisation.depth > 1 else ''}{organisation.name}"


class OrganisationIndexView(generic.IndexView):
    default_ordering = "path"


class OrganisationDeleteView(generic.DeleteView):
    """Organisations with members or children are deactivated, never deleted: history stays."""

    def form_valid(self, form):
        if self.object.numchild or self.object.memberships.exists():
            messages.error(
                self.request,
                _(
                    "This organisation has members or organisations below it: deactivate it "
                    "instead, so that its history is kept."
                ),
            )
            return redirect(self.edit_url_name, self.object.pk)
        return super().form_valid(form)


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    # The site's /manage/ URLs already use the "organisations" namespace.
    url_prefix = "organisations"
    url_namespace = "organisation_admin"
    icon = "group"
    menu_label = gettext_lazy("Organisations")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = OrganisationIndexView
    delete_view_class = OrganisationDeleteView
    search_fields = ["name", "credit_code", "address"]
    search_backend_name = None  # plain database filtering: the tree is not in the search index
    list_filter = ["kind", "sector", "is_active"]
    list_per_page = 100
    list_display = [
        TitleColumn(
            "name",
            label=pgettext_lazy("organisation", "name"),
            accessor=indented_name,
            url_name="organisation_admin:edit",
        ),
        Column("kind", accessor="get_kind_display", label=gettext_lazy("kind")),
        Column("sector", accessor="get_sector_display", label=gettext_lazy("sector")),
        Column("is_active", label=pgettext_lazy("enabled", "active")),
    ]
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return OrganisationAdminForm


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisation_admin")


@hooks.register("register_log_actions")
def register_audit_log(actions):
    # Wagtail's own log() calls on accounts and memberships (e.g. editing a user in the admin)
    # land in the audit log too. Apps above this one register their records the same way.
    actions.register_model(get_user_model(), AuditEntry)
    actions.register_model(Membership, AuditEntry)
    for action, label, message in audit.ACTIONS:
        actions.register_action(action, label, message)
