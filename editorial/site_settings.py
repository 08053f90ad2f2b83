"""Site settings every page shows (the footer), read from the cache instead of the database.

A setting is one row per site that changes a few times a year, read by every page. Saving or
deleting it drops its entry, now and after the commit (so a page rendered from the old row in
between is not kept). Only the pages' reading goes through the cache (`for_request`); the admin's
form reads the row itself (`for_site`).
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.models import Site

SETTING_KEY = "site-settings:{}:{}"
SETTING_SECONDS = 60 * 60


def _key(model, site_id):
    return SETTING_KEY.format(model._meta.label_lower, site_id)


class CachedSiteSettingMixin:
    """For a BaseSiteSetting: pages read it from the cache."""

    @classmethod
    def for_request(cls, request):
        attr = cls.get_cache_attr_name()
        if hasattr(request, attr):
            return getattr(request, attr)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        instance = cache.get(_key(cls, site.pk))
        if instance is None:
            instance = cls.for_site(site)
            cache.set(_key(cls, site.pk), instance, timeout=SETTING_SECONDS)
        # As Wagtail's for_request: page URLs in the setting are made for this request.
        instance._request = request
        setattr(request, attr, instance)
        return instance


def _setting_changed(sender, instance, **kwargs):
    def drop():
        cache.delete(_key(sender, instance.site_id))

    drop()
    transaction.on_commit(drop)


def connect(models):
    """Connects the receivers for these settings (EditorialConfig.ready)."""
    for model in models:
        if issubclass(model, CachedSiteSettingMixin):
            for signal in (post_save, post_delete):
                signal.connect(
                    _setting_changed, sender=model, dispatch_uid=f"site_settings_{model.__name__}"
                )
