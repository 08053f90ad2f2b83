from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, TagBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PageQuerySet

from accounts.admin_access import may_use_admin
from editorial.blocks import RICH_TEXT_FEATURES, CaptionedImageBlock
from editorial.search import SegmentedSearchMixin
from editorial.sharing import qr_code_response, share_description
from handbooks.blocks import RelatedPagesBlock
from organisations.models import Membership, Organisation
from organisations.place_types import PLACE_TYPES

from .blocks import ViolationBlock

PLACE_TYPE_CHOICES = [(name, name) for name in PLACE_TYPES]
ALERTS_PER_PAGE = 12
# The people of a unit who read and confirm what the bureau sends (policy section 十一).
READER_ROLES = (Membership.Role.RESPONSIBLE, Membership.Role.MANAGER)


def today():
    return timezone.localdate()


def is_site_editor(user):
    """Editors and reviewers reach the Wagtail admin; they may see expired pages."""
    return may_use_admin(user)


class AlertTag(TagBase):
    """A topic of case warnings and alerts (电动自行车, 动火作业 …), browsable on the index."""

    class Meta:
        verbose_name = _("alert tag")
        verbose_name_plural = _("alert tags")


class TaggedAlert(ItemBase):
    tag = models.ForeignKey(AlertTag, on_delete=models.CASCADE, related_name="tagged_alerts")
    content_object = ParentalKey(
        "alerts.AlertPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class AlertPageQuerySet(PageQuerySet):
    def current(self, on=None):
        """Leaves out risk alerts whose validity has ended: they disappear from lists."""
        on = on or today()
        if issubclass(self.model, RiskAlertPage):
            return self.exclude(valid_to__lt=on)
        if self.model is AlertPage:
            return self.exclude(riskalertpage__valid_to__lt=on)
        return self

    def of_kind(self, kind):
        """On the shared table: only pages of one kind ("cases", "exposures", "risks")."""
        return self.filter(**{f"{ALERT_KINDS[kind]._meta.model_name}__isnull": False})


class AlertIndexPage(RoutablePageMixin, SegmentedSearchMixin, Page):
    """案例警示 at /alerts/: cases, hazard exposures and risk alerts, with filters and feeds."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = Page.search_fields + SegmentedSearchMixin.search_fields
    segmented_search_sources = ("title", "search_description", "intro")

    parent_page_types = ["home.HomePage"]
    subpage_types = ["alerts.CaseWarningPage", "alerts.HazardExposurePage", "alerts.RiskAlertPage"]
    max_count = 1

    class Meta:
        verbose_name = _("alert index")

    def get_alerts(self):
        return (
            AlertPage.objects.child_of(self)
            .live()
            .public()
            .current()
            .order_by("-date", "-first_published_at")
        )

    def get_context(self, request, *args, **kwargs):
        from .forms import AlertFilterForm

        context = super().get_context(request, *args, **kwargs)
        form = AlertFilterForm(request.GET)
        alerts = form.filter(self.get_alerts())
        page_obj = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            {
                "filter_form": form,
                "page_obj": page_obj,
                "alerts": page_obj.object_list.specific(),
                "popular_tags": AlertTag.objects.filter(tagged_alerts__content_object__live=True)
                .annotate(uses=Count("tagged_alerts"))
                .order_by("-uses", "name")[:20],
                "filter_query": form.query_string(),
                "description": share_description(self, self.intro),
                "feeds": [
                    (kind, model._meta.verbose_name_plural) for kind, model in ALERT_KINDS.items()
                ],
            }
        )
        return context

    @path("feed/<slug:kind>/", name="rss")
    def rss_feed(self, request, kind):
        from .feeds import AlertFeed

        if kind not in ALERT_KINDS:
            raise Http404
        return AlertFeed(self, kind)(request)

    @path("feed/<slug:kind>/atom/", name="atom")
    def atom_feed(self, request, kind):
        from .feeds import AlertAtomFeed

        if kind not in ALERT_KINDS:
            raise Http404
        return AlertAtomFeed(self, kind)(request)


class AlertPage(RoutablePageMixin, SegmentedSearchMixin, Page):
    """What every case warning, hazard exposure and risk alert has: date, place type, tags."""

    date = models.DateField(_("date"), default=today, db_index=True)
    place_type = models.CharField(
        _("place type"), max_length=40, choices=PLACE_TYPE_CHOICES, blank=True
    )
    summary = models.TextField(
        _("summary"), help_text=_("One or two sentences shown in lists and link cards.")
    )
    tags = ClusterTaggableManager(through=TaggedAlert, blank=True, verbose_name=_("tags"))

    objects = PageManager.from_queryset(AlertPageQuerySet)()

    search_fields = Page.search_fields + SegmentedSearchMixin.search_fields
    parent_page_types = ["alerts.AlertIndexPage"]
    subpage_types = []
    # Only the three kinds below are made; this table holds what they share.
    is_creatable = False

    kind = ""
    common_panels = [FieldPanel("date"), FieldPanel("place_type"), FieldPanel("summary")]

    class Meta:
        verbose_name = _("alert")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["description"] = share_description(self, self.summary)
        context["index"] = self.get_parent()
        return context

    @path("qr/", name="qr")
    def qr_view(self, request):
        return qr_code_response(request, self)

    def tag_list(self):
        return list(self.tags.all())


class CaseWarningPage(AlertPage):
    """案例警示: a fire case told for its lessons, with the violations found."""

    what_happened = RichTextField(_("what happened"), features=RICH_TEXT_FEATURES)
    causes = models.TextField(_("causes"), blank=True, help_text=_("One cause per line."))
    violations = StreamField(
        [("violation", ViolationBlock())], blank=True, verbose_name=_("violations found")
    )
    lessons = models.TextField(
        _("lessons learned"), blank=True, help_text=_("One lesson per line.")
    )
    handbook = models.ForeignKey(
        "handbooks.HandbookPage",
        verbose_name=_("handbook"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_pages = StreamField(
        RelatedPagesBlock(), blank=True, verbose_name=_("courses and related pages")
    )

    kind = "cases"
    content_panels = [
        *Page.content_panels,
        *AlertPage.common_panels,
        FieldPanel("what_happened"),
        FieldPanel("causes"),
        FieldPanel("violations"),
        FieldPanel("lessons"),
        FieldPanel("handbook"),
        FieldPanel("related_pages"),
        FieldPanel("tags"),
    ]
    segmented_search_sources = (
        "title",
        "search_description",
        "place_type",
        "summary",
        "what_happened",
        "causes",
        "violations",
        "lessons",
    )

    class Meta:
        verbose_name = _("case warning")
        verbose_name_plural = _("case warnings")

    def cause_list(self):
        return [line.strip() for line in self.causes.splitlines() if line.strip()]

    def lesson_list(self):
        return [line.strip() for line in self.lessons.splitlines() if line.strip()]


class HazardExposurePage(AlertPage):
    """隐患曝光: a hazard found at a kind of place, and how its rectification stands."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Being rectified")
        RECTIFIED = "rectified", _("Rectified")
        OVERDUE = "overdue", _("Overdue, not rectified")

    hazard = RichTextField(_("hazard"), features=RICH_TEXT_FEATURES)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    photos = StreamField([("photo", CaptionedImageBlock())], blank=True, verbose_name=_("photos"))
    rectification_status = models.CharField(
        _("rectification status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectification = models.TextField(
        _("rectification"), blank=True, help_text=_("What has been done, and what remains.")
    )

    kind = "exposures"
    content_panels = [
        *Page.content_panels,
        *AlertPage.common_panels,
        FieldPanel("hazard"),
        FieldPanel("basis"),
        FieldPanel("photos"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("rectification_status"), FieldPanel("rectification_deadline")]
                ),
                FieldPanel("rectification"),
            ],
            heading=_("Rectification"),
        ),
        FieldPanel("tags"),
    ]
    segmented_search_sources = (
        "title",
        "search_description",
        "place_type",
        "summary",
        "hazard",
        "basis",
        "rectification",
    )

    class Meta:
        verbose_name = _("hazard exposure")
        verbose_name_plural = _("hazard exposures")


class RiskAlertPage(AlertPage):
    """风险提示: a seasonal warning, shown on the home page while valid and gone after."""

    class Season(models.TextChoices):
        WINTER = "winter", _("Winter")
        SUMMER = "summer", _("Summer")
        FESTIVAL = "festival", _("Festivals")
        OTHER = "other", _("Other")

    season = models.CharField(_("season"), max_length=20, choices=Season.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    audience = models.TextField(_("who it is for"), blank=True)
    precautions = models.TextField(
        _("precautions"), blank=True, help_text=_("One precaution per line.")
    )

    kind = "risks"
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("place_type"),
        MultiFieldPanel(
            [
                FieldPanel("season"),
                FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
            ],
            heading=_("Validity"),
        ),
        FieldPanel("audience"),
        FieldPanel("precautions"),
        FieldPanel("tags"),
    ]
    segmented_search_sources = (
        "title",
        "search_description",
        "summary",
        "audience",
        "precautions",
    )

    class Meta:
        verbose_name = _("risk alert")
        verbose_name_plural = _("risk alerts")

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("The end of validity cannot be before its start.")}
            )
        # Lists sort and filter by date; for a risk alert that is when it starts to apply.
        if self.valid_from:
            self.date = self.valid_from

    def is_expired(self, on=None):
        return self.valid_to < (on or today())

    def is_current(self, on=None):
        on = on or today()
        return self.valid_from <= on <= self.valid_to

    def serve(self, request, *args, **kwargs):
        # Past its validity the alert is gone for the public; editors still reach it to review.
        if self.is_expired() and not is_site_editor(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def precaution_list(self):
        return [line.strip() for line in self.precautions.splitlines() if line.strip()]


# The kinds as they appear in URLs (?kind=, /alerts/feed/<kind>/).
ALERT_KINDS = {
    CaseWarningPage.kind: CaseWarningPage,
    HazardExposurePage.kind: HazardExposurePage,
    RiskAlertPage.kind: RiskAlertPage,
}


class Dispatch(models.Model):
    """An alert or case warning sent to the units of an organisation subtree."""

    page = models.ForeignKey(
        AlertPage, on_delete=models.CASCADE, related_name="dispatches", verbose_name=_("alert")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    root = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent to")
    )
    place_type = models.CharField(_("place type"), max_length=40, blank=True)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Organisation.Sector.choices, blank=True
    )
    kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=Organisation.Kind.choices, blank=True
    )
    recipient_count = models.PositiveIntegerField(_("units"), default=0)
    check_quiz = models.ForeignKey(
        "quizzes.Quiz",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("check quiz"),
        help_text=_("If set, readers confirm only after passing this short quiz."),
    )

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.page} → {self.root}"


class DispatchRecipientQuerySet(models.QuerySet):
    def for_reader(self, user):
        """What was sent to units where the user is the responsible person or manager."""
        if not user.is_authenticated:
            return self.none()
        readers = Membership.objects.current().filter(
            user=user, role__in=READER_ROLES, organisation=OuterRef("organisation")
        )
        return self.filter(Exists(readers), dispatch__page__live=True)

    def pending(self):
        return self.filter(acknowledged_at__isnull=True)

    def with_reader_counts(self):
        """Each row with how many current responsible persons and managers its unit has."""
        readers = (
            Membership.objects.current()
            .filter(organisation=OuterRef("organisation"), role__in=READER_ROLES)
            .order_by()
            .values("organisation")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(reader_count=models.Subquery(readers))

    def summary(self):
        return self.aggregate(
            total=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        )


class DispatchRecipient(models.Model):
    """One unit an alert was sent to, and who there confirmed reading it (已阅知), when."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="alert_receipts",
        verbose_name=_("organisation"),
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    objects = DispatchRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("recipient unit")
        verbose_name_plural = _("recipient units")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "organisation"], name="one_receipt_per_unit_and_dispatch"
            )
        ]
        indexes = [models.Index(fields=["organisation", "acknowledged_at"])]

    def __str__(self):
        return f"{self.dispatch} · {self.organisation}"

    @property
    def is_acknowledged(self):
        return self.acknowledged_at is not None
