from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Hands-on training and drills")

    def ready(self):
        # signals connects the receiver that keeps sign-offs append-only.
        from . import signals  # noqa: F401
