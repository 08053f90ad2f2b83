from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """Building blocks every content app shares: StreamField blocks and Chinese search."""

    name = "editorial"
    verbose_name = _("Editorial building blocks")

    def ready(self):
        # review_messages connects the workflow signals' receivers on import.
        from django.apps import apps

        from . import page_cache_purging, review_messages, routes, site_settings  # noqa: F401

        page_cache_purging.connect()
        routes.connect()
        site_settings.connect(apps.get_models())
