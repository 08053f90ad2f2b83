from django import forms
from django.db import models
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TagBase, TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from editorial.page_cache import page_version
from editorial.search import SegmentedSearchMixin
from organisations.models import Membership

from ..blocks import LessonBodyBlock, SkillsChecklistBlock

Role = Membership.Role


class CourseTag(TagBase):
    """A topic of courses (消防法规, 灭火器 …), kept apart from other tags."""

    class Meta:
        verbose_name = _("course tag")
        verbose_name_plural = _("course tags")


class TaggedCourse(TaggedItemBase):
    content_object = ParentalKey("CoursePage", on_delete=models.CASCADE, related_name="tagged")
    tag = models.ForeignKey(CourseTag, on_delete=models.CASCADE, related_name="tagged_courses")


class CourseIndexPage(SegmentedSearchMixin, Page):
    """课程中心: every live course, filtered by audience role and tag."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = Page.search_fields + SegmentedSearchMixin.search_fields
    segmented_search_sources = ("title", "intro")
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage", "courses.CampaignPage"]
    max_count = 1

    class Meta:
        verbose_name = _("course index")

    def get_courses(self, role="", tag=""):
        courses = (
            CoursePage.objects.live()
            .public()
            .child_of(self)
            .select_related("cover_image")
            .prefetch_related("tags")
            .order_by("title")
        )
        if tag:
            courses = courses.filter(tags__name=tag)
        courses = list(courses)
        if role:
            courses = [course for course in courses if role in course.audience_roles]
        return courses

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        role = request.GET.get("role", "")
        tag = request.GET.get("tag", "")
        if role not in Role.values:
            role = ""
        context.update(
            role=role,
            tag=tag,
            roles=[(value, label) for value, label in Role.choices if value != Role.COORDINATOR],
            tags=CourseTag.objects.filter(tagged_courses__isnull=False).distinct().order_by("name"),
            courses=self.get_courses(role=role, tag=tag),
        )
        return context


class CoursePageForm(WagtailAdminPageForm):
    audience_roles = forms.MultipleChoiceField(
        label=_("Audience"),
        choices=[(value, label) for value, label in Role.choices if value != Role.COORDINATOR],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The roles this course is written for; it is recommended to them."),
    )


class CoursePage(SegmentedSearchMixin, Page):
    """A course: a summary, its audience and, as child pages, its lessons in order."""

    summary = models.TextField(_("summary"), max_length=1000)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    audience_roles = models.JSONField(_("audience"), default=list, blank=True)
    audience_only = models.BooleanField(
        _("only for its audience"),
        default=False,
        help_text=_(
            "When ticked, only people holding one of the audience roles (or required to take "
            "the course) can open it."
        ),
    )
    tags = ClusterTaggableManager(through=TaggedCourse, blank=True, verbose_name=_("tags"))
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=30)
    credit_hours = models.DecimalField(
        _("credit hours (学时)"), max_digits=4, decimal_places=1, default=1
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("For courses that must be renewed, e.g. 12 for a yearly refresher."),
    )
    has_certificate = models.BooleanField(_("certificate on completion"), default=False)

    base_form_class = CoursePageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [FieldPanel("audience_roles"), FieldPanel("audience_only"), FieldPanel("tags")],
            heading=_("Audience and topics"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("credit_hours")]),
                FieldRowPanel([FieldPanel("validity_months"), FieldPanel("has_certificate")]),
            ],
            heading=_("Duration, renewal and certificate"),
        ),
    ]
    search_fields = (
        Page.search_fields
        + SegmentedSearchMixin.search_fields
        + [index.FilterField("audience_only")]
    )
    segmented_search_sources = ("title", "search_description", "summary")
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def get_lessons(self):
        return LessonPage.objects.live().child_of(self).order_by("path")

    def audience_labels(self):
        labels = dict(Role.choices)
        return [labels[role] for role in self.audience_roles if role in labels]

    def is_open_to(self, user):
        """Whether the user may open this course and its lessons."""
        from ..access import user_may_take_course

        return user_may_take_course(user, self)

    def serve(self, request, *args, **kwargs):
        if not self.is_open_to(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..progress import course_progress_for

        context = super().get_context(request, *args, **kwargs)
        context.update(course_progress_for(request.user, self))
        return context


class LessonPage(SegmentedSearchMixin, Page):
    """One lesson of a course: read and tick, watch a video, pass a quiz, or attend a practical."""

    class Kind(models.TextChoices):
        READING = "reading", _("Reading")
        VIDEO = "video", _("Video")
        QUIZ = "quiz", _("Quiz")
        PRACTICAL = "practical", _("Practical training")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.READING)
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("body"))
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quiz"),
        help_text=_("For quiz lessons: passing this quiz completes the lesson."),
    )
    # Only practical lessons have one (clean() refuses it on others): the instructor signs each
    # skill off per person, and all 达标 completes the lesson.
    skills = StreamField(
        SkillsChecklistBlock(),
        blank=True,
        verbose_name=_("skills checklist"),
        help_text=_(
            "Practical lessons only: the skills the instructor signs off per person as 达标 or "
            "未达标 (at most 20). All 达标 completes the lesson."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel(
            [FieldPanel("kind"), FieldPanel("quiz")],
            help_text=_(
                "A video lesson is completed once 90 percent of its first video has been played."
            ),
        ),
        FieldPanel("body"),
        FieldPanel("skills"),
    ]
    search_fields = Page.search_fields + SegmentedSearchMixin.search_fields
    segmented_search_sources = ("title", "search_description", "body", "video_transcript")
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    @property
    def video(self):
        """The first video of the body: the one whose watching completes a video lesson."""
        for block in self.body:
            if block.block_type == "video" and block.value["video"] is not None:
                return block.value["video"]
        return None

    @property
    def video_duration_seconds(self):
        """The length ffprobe read from the video file (0 until it has been read)."""
        video = self.video
        return video.duration if video is not None else 0

    @property
    def video_transcript(self):
        """The first video's captions as text, searchable with the lesson."""
        video = self.video
        return video.transcript if video is not None else ""

    @cached_property
    def course(self):
        # Its parent, read by tree path in one query (get_parent().specific takes two).
        return CoursePage.objects.get(path=self.path[: -self.steplen])

    def has_audience_sections(self):
        """Whether the body holds parts for one audience (read from the stored block types)."""
        return any(block.block_type == "section" for block in self.body)

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.VIDEO and self.video is None:
            raise ValidationError({"body": _("A video lesson needs a video block with a video.")})
        if self.kind == self.Kind.QUIZ and not self.quiz_id:
            raise ValidationError({"quiz": _("A quiz lesson needs its quiz.")})
        if self.skills and self.kind != self.Kind.PRACTICAL:
            raise ValidationError({"skills": _("Only a practical lesson has a skills checklist.")})

    def skill_checklist(self):
        """[(block id, title, standard)] of the skills checklist, in the editor's order."""
        return [
            (block.id, block.value["title"], block.value["standard"])
            for block in self.skills
            if block.block_type == "skill"
        ]

    def serve(self, request, *args, **kwargs):
        course = self.course
        if not course.live or not course.is_open_to(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..audiences import lesson_audiences
        from ..progress import lesson_context_for

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context_for(request.user, self))
        # Who reads which part matters only when the body has parts for one audience.
        audiences = lesson_audiences(request) if self.has_audience_sections() else None
        context["lesson_audiences"] = audiences
        # The body is the same for everyone reading the same parts: rendered once per version
        # of the page (never a preview's draft, which shares the live page's id).
        if not getattr(request, "is_preview", False):
            context["body_version"] = page_version(self)
            context["body_audiences"] = ",".join(sorted(audiences)) if audiences else "all"
        return context
