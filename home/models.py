from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from editorial.blocks import BaseContentBlock
from editorial.search import SegmentedSearchMixin
from editorial.site_settings import CachedSiteSettingMixin


class HomePage(SegmentedSearchMixin, Page):
    """The front page: a welcome, then ways into courses, handbooks and warnings."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(BaseContentBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + SegmentedSearchMixin.search_fields
    segmented_search_sources = ("title", "search_description", "intro", "body")

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


@register_setting(icon="site")
class FooterSettings(CachedSiteSettingMixin, BaseSiteSetting):
    """Who runs the site and how to reach them, shown in every page's footer."""

    organiser = models.CharField(
        _("organiser"), max_length=120, blank=True, help_text=_("e.g. 青浦区消防救援局")
    )
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Phone or address for questions."),
    )
    icp_number = models.CharField(
        _("ICP filing number"),
        max_length=60,
        blank=True,
        help_text=_("e.g. 沪ICP备00000000号"),
    )
    public_security_number = models.CharField(
        _("public security filing number"),
        max_length=60,
        blank=True,
        help_text=_("e.g. 沪公网安备 31011802000000号"),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organiser"),
                FieldPanel("contact"),
                FieldPanel("icp_number"),
                FieldPanel("public_security_number"),
            ],
            heading=_("Footer"),
        )
    ]

    class Meta:
        verbose_name = _("site footer")
