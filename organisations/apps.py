from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations and people")

    def ready(self):
        from accounts.two_factor import register_requirement

        from .two_factor import coordinates_wide_area

        register_requirement(coordinates_wide_area)
