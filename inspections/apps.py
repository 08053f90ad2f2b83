from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Self-inspection")

    def ready(self):
        # signals connects the receivers that keep the record append-only.
        from . import header, signals  # noqa: F401

        header.connect()
