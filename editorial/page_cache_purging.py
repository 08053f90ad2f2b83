"""What purges the anonymous page cache: Wagtail's page signals, view restrictions, settings."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move
from wagtail.snippets.models import get_snippet_models

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
    # Read again: when the page itself is being deleted the restriction goes with it.
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        _purge_page_after_commit(page)


def _is_shown_on_pages(model):
    # Looked up at save time: the snippet registry is filled by the apps' wagtail_hooks.
    return model in {*get_snippet_models(), get_image_model(), get_document_model()}


def shown_object_changed(sender, instance, **kwargs):
    if not _is_shown_on_pages(sender):
        return
    page_cache.purge_pages_showing(instance)
    transaction.on_commit(lambda: page_cache.purge_pages_showing(instance))


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
            restriction_changed, sender=PageViewRestriction, dispatch_uid="page_cache_restriction"
        )
    # Snippets, images and documents are shown on the pages that refer to them.
    post_save.connect(shown_object_changed, dispatch_uid="page_cache_shown_saved")
    post_delete.connect(shown_object_changed, dispatch_uid="page_cache_shown_deleted")
    # Settings are shown on every page (the footer): a change purges the whole site.
    for model in apps.get_models():
        if issubclass(model, BaseSiteSetting | BaseGenericSetting):
            for signal in (post_save, post_delete):
                signal.connect(
                    setting_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}"
                )
