"""StreamField blocks for lessons: what an editor of safety training needs beyond the basics."""

from wagtailmedia.blocks import VideoChooserBlock

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from editorial.blocks import BaseContentBlock

from .audiences import AUDIENCE_CHOICES, EVERYONE, PRIMARY


class VideoBlock(blocks.StructBlock):
    """A video of the library played by the browser's own player; no foreign video site."""

    video = VideoChooserBlock(label=_("Video"))
    poster = ImageChooserBlock(
        label=_("Poster image"),
        required=False,
        help_text=_("Leave empty to show a frame of the video."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        preview_value = {"caption": "手提式干粉灭火器使用演示"}


class DocumentDownloadBlock(blocks.StructBlock):
    """A file to download: a form, a checklist, the full text of a regulation."""

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=120)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document.html"
        preview_value = {"title": "防火巡查记录表（下载）"}


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=60)
    text = blocks.TextBlock(label=_("What to do"))
    image = ImageChooserBlock(label=_("Picture"), required=False)


class StepsBlock(blocks.StructBlock):
    """Numbered steps with a picture each, e.g. how to use a portable extinguisher."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Numbered steps")
        template = "courses/blocks/steps.html"
        preview_value = {
            "heading": "手提式干粉灭火器：提、拔、握、压",
            "steps": [
                {"title": "提", "text": "提起灭火器，站在火源上风方向。"},
                {"title": "拔", "text": "拔掉保险销。"},
                {"title": "握", "text": "一手握住喷管，对准火焰根部。"},
                {"title": "压", "text": "另一手压下压把，左右扫射。"},
            ],
        }


class KeyPointsBlock(blocks.StructBlock):
    """The points to remember, shown as a summary box."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    points = blocks.ListBlock(blocks.CharBlock(label=_("Point")), label=_("Points"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        label = _("Key points")
        template = "courses/blocks/key_points.html"
        preview_value = {
            "heading": "本课要点",
            "points": ["发现火情立即拨打119", "疏散时不乘坐普通电梯"],
        }


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("Answer"), features=["bold", "italic", "link", "ul"])


class FoldOutQuestionsBlock(blocks.StructBlock):
    """Questions and answers that unfold on a tap (details/summary, no script)."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    items = blocks.ListBlock(QuestionAnswerBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Questions and answers")
        template = "courses/blocks/faq.html"
        preview_value = {
            "heading": "常见问题",
            "items": [
                {"question": "二氧化碳灭火器有压力表吗？", "answer": "<p>没有，靠称重检查。</p>"}
            ],
        }


class LessonContentBlock(BaseContentBlock):
    """Everything a lesson's text may contain (inside an audience section too)."""

    video = VideoBlock()
    document = DocumentDownloadBlock()
    steps = StepsBlock()
    key_points = KeyPointsBlock()
    faq = FoldOutQuestionsBlock()


class AudienceSectionBlock(blocks.StructBlock):
    """A part of a lesson written for one audience, e.g. plain words for primary pupils.

    Who reads which part is decided by `courses.audiences.lesson_audiences`; the block only
    shows or hides itself by that answer, and names its audience when everything is shown.
    """

    audience = blocks.ChoiceBlock(
        choices=AUDIENCE_CHOICES, default=EVERYONE, label=_("Written for")
    )
    content = LessonContentBlock(label=pgettext_lazy("lesson section", "Content"))

    class Meta:
        icon = "group"
        label = _("Section for an audience")
        template = "courses/blocks/audience_section.html"
        preview_value = {
            "audience": PRIMARY,
            "content": [{"type": "paragraph", "value": "<p>看到着火，赶快跑，告诉大人。</p>"}],
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        audiences = (parent_context or {}).get("lesson_audiences")
        audience = value["audience"]
        context["shown"] = audiences is None or audience == EVERYONE or audience in audiences
        context["marked"] = audiences is None and audience != EVERYONE
        context["audience_label"] = dict(AUDIENCE_CHOICES)[audience]
        return context


class LessonBodyBlock(LessonContentBlock):
    """Everything a lesson may contain: its text, and parts for one audience each."""

    section = AudienceSectionBlock()


MAX_SKILLS = 20
SKILL_TITLE_LENGTH = 80


class SkillBlock(blocks.StructBlock):
    """One skill a practical lesson's instructor checks per person: 达标 or 未达标."""

    title = blocks.CharBlock(label=_("Skill"), max_length=SKILL_TITLE_LENGTH)
    standard = blocks.TextBlock(
        label=_("What passing (达标) means"),
        required=False,
        max_length=300,
        help_text=_("What the instructor must see, e.g. “拔掉保险销后才压下压把”."),
    )

    class Meta:
        icon = "tick-inverse"
        label = _("Skill")
        template = "courses/blocks/skill.html"
        preview_value = {
            "title": "检查压力表与保险销",
            "standard": "指出压力表指针在绿区，确认保险销和铅封完好。",
        }


class SkillsChecklistBlock(blocks.StreamBlock):
    """A practical lesson's skills checklist; each skill keeps its block id as its identity,
    so a sign-off recorded against it survives the list being reordered or reworded."""

    skill = SkillBlock()

    class Meta:
        max_num = MAX_SKILLS
