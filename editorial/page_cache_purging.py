"""What purges the anonymous page cache: Wagtail's page signals, view restrictions, settings."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from . import page_cache


def _purge_page_after_commit(page):
    # Now, for the request that made the change, and after the commit, so that a render that
    # read the old rows between the two is not kept.
    page_cache.purge_page(page)
    transaction.on_commit(lambda: page_cache.purge_page(page))


def page_changed(sender, instance, **kwargs):
    _purge_page_after_commit(instance)


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _purge_page_after_commit(instance)


def restriction_changed(sender, instance, **kwargs):
    _purge_page_after_commit(instance.page)


def setting_changed(sender, instance, **kwargs):
    page_cache.purge_site()
    transaction.on_commit(page_cache.purge_site)


def connect():
    """Connects the receivers (EditorialConfig.ready)."""
    # No sender: every page type, present and future.
    page_published.connect(page_changed, dispatch_uid="page_cache_published")
    page_unpublished.connect(page_changed, dispatch_uid="page_cache_unpublished")
    # Before the move the page still has its old path and URL, after it the new ones.
    pre_page_move.connect(page_changed, dispatch_uid="page_cache_pre_move")
    post_page_move.connect(page_changed, dispatch_uid="page_cache_post_move")
    post_delete.connect(page_deleted, dispatch_uid="page_cache_deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            restriction_changed, sender=PageViewRestriction, dispatch_uid=f"page_cache_pvr_{signal}"
        )
    # Settings are shown on every page (the footer): a change purges the whole site.
    for model in apps.get_models():
        if issubclass(model, BaseSiteSetting | BaseGenericSetting):
            for signal in (post_save, post_delete):
                signal.connect(
                    setting_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}"
                )
