"""StreamField blocks shared by the home page, courses, handbooks and alerts."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "hr"]


class HeadingBlock(blocks.StructBlock):
    """A section heading that also gives the page its outline."""

    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section")), ("h3", _("Subsection"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "editorial/blocks/heading.html"
        preview_value = {"text": "手提式灭火器的使用方法", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    """Body text with the few formats a safety text needs."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = pgettext_lazy("content block", "Text")
        template = "editorial/blocks/paragraph.html"
        preview_value = "<p>发现火情，立即拨打 119 报警，并组织人员疏散。</p>"


class CaptionedImageBlock(blocks.StructBlock):
    """An image with a caption and the alternative text a screen reader needs."""

    image = ImageChooserBlock(label=pgettext_lazy("content block", "Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "editorial/blocks/captioned_image.html"
        preview_value = {"caption": "疏散通道保持畅通"}


class CalloutBlock(blocks.StructBlock):
    """A boxed warning, tip or the legal basis of a rule, with the article cited."""

    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[
            ("warning", _("Warning")),
            ("tip", _("Tip")),
            ("law", _("Legal basis")),
        ],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    text = blocks.RichTextBlock(
        label=pgettext_lazy("content block", "Text"), features=["bold", "italic", "link", "ul"]
    )
    citation = blocks.CharBlock(
        label=_("Citation"),
        required=False,
        max_length=200,
        help_text=_(
            "The law or standard and its article, e.g. 《中华人民共和国消防法》第二十八条."
        ),
    )

    class Meta:
        icon = "warning"
        label = _("Call-out")
        template = "editorial/blocks/callout.html"
        preview_value = {
            "kind": "law",
            "title": "禁止占用疏散通道",
            "text": "<p>任何单位、个人不得占用、堵塞、封闭疏散通道、安全出口、消防车通道。</p>",
            "citation": "《中华人民共和国消防法》第二十八条",
        }


class LinkCardBlock(blocks.StructBlock):
    """One card: a title, a line of text and a link to a page or an address."""

    title = blocks.CharBlock(label=_("Title"), max_length=60)
    text = blocks.CharBlock(
        label=pgettext_lazy("content block", "Text"), required=False, max_length=160
    )
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or address"),
        required=False,
        help_text=_("Used when no page is chosen."),
    )

    class Meta:
        icon = "link"
        label = _("Link card")

    def clean(self, value):
        value = super().clean(value)
        url = (value.get("url") or "").strip()
        if not value.get("page") and not url:
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or enter an address."))}
            )
        # Only site paths and web addresses: a "javascript:" link must never reach a page.
        if url and not url.startswith(("/", "https://", "http://")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Enter a path such as /courses/ or a web address."))
                }
            )
        return value


class LinkCardsBlock(blocks.StructBlock):
    """A row of link cards, e.g. the home page's ways into the site."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=60)
    cards = blocks.ListBlock(LinkCardBlock(), label=_("Cards"), min_num=1, max_num=8)

    class Meta:
        icon = "list-ul"
        label = _("Link cards")
        template = "editorial/blocks/link_cards.html"
        preview_value = {
            "heading": "从这里开始",
            "cards": [
                {
                    "title": "课程中心",
                    "text": "责任人、管理人、消控室值班人员培训",
                    "url": "/courses/",
                },
                {
                    "title": "检查手册",
                    "text": "重点场所消防安全检查要点",
                    "url": "/handbooks/",
                },
            ],
        }


class BaseContentBlock(blocks.StreamBlock):
    """The blocks any editorial page may use."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    callout = CalloutBlock()
    link_cards = LinkCardsBlock()
