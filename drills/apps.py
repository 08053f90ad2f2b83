from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Hands-on training and drills")

    def ready(self):
        # signals and drill_signals keep sign-offs and drill records append-only; learning
        # registers the sessions panel of 我的学习 (courses does not import drills); a drill-born
        # hazard links back to its drill (inspections does not import drills either).
        from inspections.models import Hazard
        from inspections.sources import register_source

        from . import drill_signals, learning, signals  # noqa: F401
        from .unit_drills import hazard_found_in

        learning.register()
        register_source(Hazard.Source.DRILL, hazard_found_in)
