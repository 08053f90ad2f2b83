import re

from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from editorial.blocks import BaseContentBlock
from organisations.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, Organisation

# The join pages belong to the organisations' join flow (branch org-join); only the URL is shared.
JOIN_URL = "/join/{code}/"
JOIN_CODE_PATTERN = re.compile(f"^[{JOIN_CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}$")


def normalise_join_code(raw):
    """What a student typed, without spaces or dashes and in capitals; '' if it cannot be a code."""
    code = re.sub(r"[\s\-]", "", raw or "").upper()
    return code if JOIN_CODE_PATTERN.match(code) else ""


class CampaignPage(Page):
    """A time-boxed campaign (开学第一课): one course, a window, and the schools of a subtree."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(BaseContentBlock(), blank=True, verbose_name=_("body"))
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("course"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    target = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("target organisation"),
        help_text=_(
            "The schools in this organisation's subtree take part, e.g. 青浦区 or one town."
        ),
    )
    require_training = models.BooleanField(
        _("make it a training requirement"),
        default=True,
        help_text=_(
            "When published, students and teachers of the target are required to finish the "
            "course by the last day (shown in their 我的学习 and in the reports)."
        ),
    )
    requirement = models.ForeignKey(
        "courses.TrainingRequirement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="campaigns",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("course"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                FieldPanel("target"),
                FieldPanel("require_training"),
            ],
            heading=_("Course, window and target"),
        ),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = []
    # The public board counts completions as they happen: a cached copy may lag a minute at most.
    page_cache_seconds = 60
    template = "courses/campaign/page.html"

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})

    def serve(self, request, *args, **kwargs):
        # The class join code form is a plain GET form to this page: no JavaScript needed.
        if "code" in request.GET:
            code = normalise_join_code(request.GET["code"])
            if code:
                return redirect(JOIN_URL.format(code=code))
            request.join_code_error = _(
                "A join code has 8 letters and digits, as your teacher gave it. Check it and "
                "try again."
            )
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..campaigns import landing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(landing_context(self, request))
        return context
