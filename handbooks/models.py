from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page

from editorial.search import SegmentedSearchMixin
from editorial.sharing import qr_code_response, share_description
from organisations.place_types import PLACE_TYPES

from .blocks import HandbookSectionsBlock, RelatedPagesBlock
from .pdf import handbook_pdf

PLACE_TYPE_CHOICES = [(name, name) for name in PLACE_TYPES]


class HandbookIndexPage(SegmentedSearchMixin, Page):
    """The list of inspection handbooks (检查要点), one per kind of place, at /handbooks/."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = Page.search_fields + SegmentedSearchMixin.search_fields
    segmented_search_sources = ("title", "search_description", "intro")

    parent_page_types = ["home.HomePage"]
    subpage_types = ["handbooks.HandbookPage"]
    max_count = 1

    class Meta:
        verbose_name = _("handbook index")

    def get_handbooks(self):
        return HandbookPage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["handbooks"] = self.get_handbooks().only(
            "id", "title", "url_path", "place_type", "intro", "path", "depth"
        )
        context["description"] = share_description(self, self.intro)
        return context


class HandbookPage(RoutablePageMixin, SegmentedSearchMixin, Page):
    """An inspection handbook for one kind of place: sections of check points, printable."""

    place_type = models.CharField(_("place type"), max_length=40, choices=PLACE_TYPE_CHOICES)
    intro = models.TextField(_("introduction"), blank=True)
    sections = StreamField(HandbookSectionsBlock(), verbose_name=_("sections"))
    # The courses issue narrows this to course pages once they exist.
    related_pages = StreamField(
        RelatedPagesBlock(),
        blank=True,
        verbose_name=_("courses and related pages"),
        help_text=_("Courses that teach this handbook, and other pages worth reading."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("place_type"),
        FieldPanel("intro"),
        FieldPanel("sections"),
        FieldPanel("related_pages"),
    ]
    search_fields = Page.search_fields + SegmentedSearchMixin.search_fields
    segmented_search_sources = ("title", "search_description", "place_type", "intro", "sections")

    parent_page_types = ["handbooks.HandbookIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("inspection handbook")
        verbose_name_plural = _("inspection handbooks")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["description"] = share_description(self, self.intro)
        context["checkpoint_count"] = self.checkpoint_count()
        return context

    def checkpoint_count(self):
        return sum(len(section.value["checkpoints"]) for section in self.sections)

    def live_related_pages(self):
        """Linked pages that are published; a deleted or unpublished one is left out."""
        return [block.value for block in self.related_pages if block.value and block.value.live]

    @path("print/", name="print")
    def print_view(self, request):
        return self.render(request, template="handbooks/handbook_print.html")

    @path("pdf/", name="pdf")
    def pdf_view(self, request):
        response = HttpResponse(handbook_pdf(self), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="handbook-{self.slug}.pdf"'
        return response

    @path("qr/", name="qr")
    def qr_view(self, request):
        return qr_code_response(request, self)
