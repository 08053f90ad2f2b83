from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Self-inspection")

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers that keep the record
