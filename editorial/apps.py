from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """Building blocks every content app shares: StreamField blocks and Chinese search."""

    name = "editorial"
    verbose_name = _("Editorial building blocks")

    def ready(self):
        from . import review_messages  # noqa: F401 (connects the workflow signals' receivers)
