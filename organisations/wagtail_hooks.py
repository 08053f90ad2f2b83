"""Wagtail admin: browse, search, add, move and deactivate organisations."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_forms import TREE_INDENT, OrganisationAdminForm
from .models import Organisation


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


# Labels of the audit log's actions (organisations.audit), for the admin's 日志 report.
AUDIT_ACTIONS = {
    "firesafety.member.add": gettext_lazy("Member added"),
    "firesafety.member.role_change": gettext_lazy("Member's role changed"),
    "firesafety.member.move": gettext_lazy("Member moved"),
    "firesafety.member.end": gettext_lazy("Membership ended"),
    "firesafety.member.leave": gettext_lazy("Left an organisation"),
    "firesafety.member.deactivate": gettext_lazy("Account deactivated"),
    "firesafety.member.reactivate": gettext_lazy("Account reopened"),
    "firesafety.member.reset_password": gettext_lazy("Member's password reset"),
    "firesafety.member.refused": gettext_lazy("Account action refused"),
    "firesafety.member.phone_transfer": gettext_lazy("Phone number moved to another account"),
    "firesafety.import.confirm": gettext_lazy("Member import confirmed"),
}


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    for action, label in AUDIT_ACTIONS.items():
        actions.register_action(action, label, label)
