from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from organisations.models import AuditEntry

from .models import AlertPage, Dispatch


class SendToUnitsButton(PageMenuItem):
    """In the page's header menu: send this published alert to units (the site's own form)."""

    label = _("Send to units")
    icon_name = "mail"
    priority = 80

    def is_shown(self, user):
        return self.page.live and self.page.permissions_for_user(user).can_edit()

    @property
    def url(self):
        return reverse("alerts:send", args=[self.page.pk])


@hooks.register("register_page_header_buttons")
def send_to_units_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, AlertPage) and page.live:
        yield SendToUnitsButton(page=page)


@hooks.register("register_admin_menu_item")
def sent_alerts_menu_item():
    return MenuItem(_("Sent alerts"), reverse("alerts:manage"), icon_name="mail", order=290)


@hooks.register("register_log_actions")
def register_audited_records(actions):
    actions.register_model(Dispatch, AuditEntry)
