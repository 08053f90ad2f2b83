from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import ALERT_KINDS

FEED_LENGTH = 30


class AlertFeed(Feed):
    """RSS of one kind of alert under the alert index, newest first."""

    def __init__(self, index, kind):
        super().__init__()
        self.index = index
        self.kind = kind
        self.model = ALERT_KINDS[kind]

    def title(self):
        return f"{self.model._meta.verbose_name_plural} · {_('Fire safety learning platform')}"

    def link(self):
        return self.index.url

    def description(self):
        return self.index.intro or str(self.model._meta.verbose_name_plural)

    def items(self):
        return (
            self.model.objects.child_of(self.index)
            .live()
            .public()
            .current()
            .order_by("-date", "-first_published_at")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.place_type] if item.place_type else []


class AlertAtomFeed(AlertFeed):
    """The same feed as Atom."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
