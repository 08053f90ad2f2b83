from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Hands-on training and drills")

    def ready(self):
        # drill_signals keeps the drill record append-only; a drill-born hazard links back here.
        from inspections.models import Hazard
        from inspections.sources import register_source

        from . import drill_signals  # noqa: F401
        from .unit_drills import hazard_found_in

        register_source(Hazard.Source.DRILL, hazard_found_in)
