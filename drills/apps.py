from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Hands-on training and drills")

    def ready(self):
        # signals connects the receiver that keeps sign-offs append-only; learning registers
        # the sessions panel of 我的学习 (courses does not import drills).
        from . import learning, signals  # noqa: F401

        learning.register()
