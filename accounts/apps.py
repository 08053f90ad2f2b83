from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default = True

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks


class AccountsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with our forms: a real name and a phone instead of first/last name."""

    user_viewset = "accounts.admin_users.UserViewSet"
