"""Publishing a campaign creates (or updates) its training requirement; unpublishing retires it."""

from wagtail.signals import page_published, page_unpublished

from . import services
from .models import CampaignPage


def campaign_published(sender, instance, **kwargs):
    services.sync_campaign_requirement(instance)


def campaign_unpublished(sender, instance, **kwargs):
    services.retire_campaign_requirement(instance)


def connect():
    page_published.connect(campaign_published, sender=CampaignPage)
    page_unpublished.connect(campaign_unpublished, sender=CampaignPage)
