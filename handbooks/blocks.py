"""StreamField blocks of an inspection handbook: sections made of check points."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

CHECK_POINT_PREVIEW = {
    "item": "消防车通道是否被占用、堵塞、封闭",
    "requirement": "任何单位、个人不得占用、堵塞、封闭消防车通道。",
    "method": "在营业高峰和夜间各查看一次，重点查看地锁、隔离桩和上锁的道闸。",
    "basis": "消防法第二十八条",
    "hazards": "车辆长期停放、设置固定隔离桩或上锁道闸。",
    "patrol_point": True,
    "default_severity": "major",
}


class Severity:
    """How grave a failed check point is; the hazard it becomes starts with this severity."""

    ORDINARY = "ordinary"
    MAJOR = "major"
    CHOICES = [(ORDINARY, _("Ordinary (一般)")), (MAJOR, _("Major (重大)"))]


class CheckPointBlock(blocks.StructBlock):
    """One thing to check: what, the requirement, how, the legal basis and the usual hazards."""

    item = blocks.CharBlock(label=_("What to check"), max_length=120)
    requirement = blocks.TextBlock(label=_("Requirement"))
    method = blocks.TextBlock(label=_("How to check"), required=False)
    basis = blocks.CharBlock(
        label=_("Basis"),
        required=False,
        max_length=300,
        help_text=_("Law or standard and its article, e.g. GB 50016-2014(2018年版) 7.1.8."),
    )
    hazards = blocks.TextBlock(label=_("Common hazards"), required=False)
    photo_right = ImageChooserBlock(label=_("Photo: done right"), required=False)
    photo_wrong = ImageChooserBlock(label=_("Photo: done wrong"), required=False)
    patrol_point = blocks.BooleanBlock(
        label=_("Daily patrol point"),
        required=False,
        default=False,
        help_text=_(
            "Part of the short daily patrol (防火巡查); monthly inspections check every point."
        ),
    )
    default_severity = blocks.ChoiceBlock(
        label=_("Severity when failed"),
        choices=Severity.CHOICES,
        default=Severity.ORDINARY,
    )
    lesson = blocks.PageChooserBlock(
        label=_("Lesson that teaches it"),
        page_type="courses.LessonPage",
        required=False,
    )

    class Meta:
        icon = "tick-inverse"
        label = _("Check point")
        template = "handbooks/blocks/check_point.html"
        preview_value = CHECK_POINT_PREVIEW


class HandbookSectionBlock(blocks.StructBlock):
    """A chapter of a handbook (消防车通道, 安全疏散 …) with its check points."""

    title = blocks.CharBlock(label=_("Section title"), max_length=80)
    checkpoints = blocks.ListBlock(CheckPointBlock(), label=_("Check points"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Section of check points")
        template = "handbooks/blocks/section.html"
        preview_value = {
            "title": "消防车通道",
            "checkpoints": [CHECK_POINT_PREVIEW],
        }


class HandbookSectionsBlock(blocks.StreamBlock):
    """The body of a handbook: only sections, so print and PDF can rely on the structure."""

    section = HandbookSectionBlock()


class RelatedPagesBlock(blocks.StreamBlock):
    """Pages that teach or complement a page (courses, handbooks, cases)."""

    page = blocks.PageChooserBlock(label=_("Page"))
