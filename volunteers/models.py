from decimal import Decimal

from django.conf import settings
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    StepValueValidator,
)
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Enrolment
from organisations.models import Organisation

from .photos import PrivatePhotoField
from .validators import validate_photo_size

MAX_HOURS_PER_DAY = 24
# Hours are logged in half hours, as volunteer-service records are kept (the form steps by it too).
HOURS_STEP = Decimal("0.5")


def valid_completions(now=None):
    """Enrolments that count as a finished course right now (completed, not expired)."""
    now = now or timezone.now()
    return Enrolment.objects.filter(completed_at__isnull=False).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


class ServiceRecordQuerySet(models.QuerySet):
    def active(self):
        """Records that stand: submitted or verified (a rejected record may be logged again)."""
        return self.exclude(status=ServiceRecord.Status.REJECTED)

    def verified(self):
        return self.filter(status=ServiceRecord.Status.VERIFIED)

    def _training_done(self, now=None):
        """True when the team requires no course first, or the volunteer has finished it."""
        finished = valid_completions(now).filter(
            user=OuterRef("volunteer"),
            course=OuterRef("team__volunteer_settings__required_course"),
        )
        return Q(team__volunteer_settings__required_course__isnull=True) | Q(Exists(finished))

    def counted(self, now=None):
        """Verified hours that count: not held back by the team's "finish course X first" rule."""
        return self.verified().filter(self._training_done(now))

    def pending_training(self, now=None):
        """Verified hours held back until the volunteer finishes the team's required course."""
        return self.verified().exclude(self._training_done(now))


class ServiceRecord(models.Model):
    """One activity a volunteer did for a team; only verified hours count."""

    class Kind(models.TextChoices):
        PUBLICITY = "publicity", _("Fire-safety publicity")
        HAZARDS = "hazards", _("Hazard inspection and rectification")
        CULTURE = "culture", _("Fire-safety culture")
        RESCUE_SKILLS = "rescue_skills", _("Firefighting and rescue skills")
        DRILL = "drill", _("Emergency drill")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", pgettext_lazy("service record", "Rejected")

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="service_records",
        verbose_name=_("volunteer"),
    )
    team = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="service_records",
        limit_choices_to={"kind": Organisation.Kind.VOLUNTEER_TEAM},
        verbose_name=_("team"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind of activity"), max_length=20, choices=Kind.choices)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[
            MinValueValidator(
                HOURS_STEP, message=_("Hours must be at least half an hour (for example 1.5).")
            ),
            StepValueValidator(
                HOURS_STEP, message=_("Hours go in half hours: for example 1, 1.5 or 2.")
            ),
            MaxValueValidator(
                MAX_HOURS_PER_DAY, message=_("One activity cannot last more than 24 hours.")
            ),
        ],
    )
    place = models.CharField(_("place"), max_length=120)
    description = models.TextField(_("what was done"), max_length=1000)
    photo = PrivatePhotoField(
        _("photo"),
        blank=True,
        validators=[
            FileExtensionValidator(["jpg", "jpeg", "png", "webp"]),
            validate_photo_size,
        ],
        help_text=_("Optional: a JPEG, PNG or WebP photo of at most 5 MB."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    reject_reason = models.CharField(_("reason for rejecting"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    verified_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-date", "-pk"]
        constraints = [
            # The same activity twice would double its hours; a rejected one may be logged again.
            models.UniqueConstraint(
                fields=["volunteer", "team", "date", "kind"],
                condition=~Q(status="rejected"),
                name="one_activity_per_volunteer_team_day_kind",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS_PER_DAY),
                name="service_hours_between_0_and_24",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status", "date"]),
            models.Index(fields=["volunteer", "date"]),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.team} · {self.date} · {self.hours}"

    @property
    def is_editable_by_volunteer(self):
        """A volunteer may correct a record until it is verified."""
        return self.status != self.Status.VERIFIED


class TeamSettings(models.Model):
    """Per-team rules set by its coordinator."""

    team = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="volunteer_settings",
        verbose_name=_("team"),
    )
    required_course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course to finish before hours count"),
        help_text=_(
            "Hours of a member without a valid completion of this course are shown as "
            "“pending training” and are not counted."
        ),
    )

    class Meta:
        verbose_name = _("volunteer team settings")
        verbose_name_plural = _("volunteer team settings")

    def __str__(self):
        return str(self.team)
