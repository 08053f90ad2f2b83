"""Units' drills (演练) of their 灭火和应急疏散预案: what was drilled, who took part, what was seen.

A drill record is written once. A mistake is put right by a new record that names the one it
corrects, with a reason (as inspections' answers are corrected): the old record stays beside
it and the latest of the chain counts. A problem found in a drill may later be made a hazard of
the self-inspection app; that link is the only thing written onto a saved row, once.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.photos import PrivatePhotoField, random_photo_name
from inspections.append_only import RecordRefused, WrittenOnce
from inspections.photos import PHOTO_VALIDATORS
from organisations.models import Organisation

MAX_OTHERS = 10000
MAX_EVACUATION_SECONDS = 3600


class UnitDrill(WrittenOnce):
    """One drill a unit held, as recorded (or a correction of an earlier record)."""

    class Kind(models.TextChoices):
        EVACUATION = "evacuation", _("Evacuation (疏散)")
        FIREFIGHTING = "firefighting", _("Firefighting (灭火)")
        COMBINED = "combined", _("Combined (综合)")

    # Kinds in which people leave the building, so the time to evacuate is measured.
    TIMED_KINDS = (Kind.EVACUATION, Kind.COMBINED)

    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="drills", verbose_name=_("unit")
    )
    held_on = models.DateField(_("date of the drill"), db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="drills_taken_part", verbose_name=_("participants")
    )
    others_count = models.PositiveIntegerField(
        _("others taking part"),
        default=0,
        validators=[MaxValueValidator(MAX_OTHERS)],
        help_text=_("People who are not members of the unit (customers, tenants, visitors)."),
    )
    evacuation_seconds = models.PositiveIntegerField(
        _("time to evacuate (seconds)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EVACUATION_SECONDS)],
    )
    plan_version = models.CharField(_("version of the plan"), max_length=40)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["unit", "-held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(others_count__lte=MAX_OTHERS), name="drills_drill_others_count"
            ),
            models.CheckConstraint(
                condition=Q(evacuation_seconds__isnull=True)
                | Q(evacuation_seconds__gte=1, evacuation_seconds__lte=MAX_EVACUATION_SECONDS),
                name="drills_drill_evacuation_seconds",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""),
                name="drills_drill_correction_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("drills:drill", args=[self.pk])

    @property
    def head_count(self):
        return self.participants.count() + self.others_count


class DrillProblem(models.Model):
    """A problem found in a drill (a blocked exit, a late alarm…), in the order it was noted."""

    drill = models.ForeignKey(
        UnitDrill, on_delete=models.PROTECT, related_name="problems", verbose_name=_("drill")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("problem"), max_length=200)
    # Set once, when the problem is made a hazard to rectify.
    hazard = models.OneToOneField(
        "inspections.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drill_problem",
        verbose_name=_("hazard"),
    )

    class Meta:
        verbose_name = _("problem found in a drill")
        verbose_name_plural = _("problems found in drills")
        ordering = ["drill", "order"]
        constraints = [
            models.UniqueConstraint(fields=["drill", "order"], name="drills_problem_once")
        ]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = DrillProblem.objects.filter(pk=self.pk).values("text", "hazard_id").first()
            if (
                stored is None
                or stored["text"] != self.text
                or stored["hazard_id"] not in (None, self.hazard_id)
            ):
                raise RecordRefused("A drill's problem is kept as noted; only its hazard is set.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordRefused("A drill's problems are kept.")


def drill_photo_path(_instance, filename):
    """drills/ab/<random>.jpg."""
    return random_photo_name("drills", filename)


class DrillPhotoField(PrivatePhotoField):
    photo_view = "drills:drill_photo"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", drill_photo_path)
        super().__init__(*args, **kwargs)


class DrillPhoto(WrittenOnce):
    """A photo taken at a drill."""

    drill = models.ForeignKey(
        UnitDrill, on_delete=models.PROTECT, related_name="photos", verbose_name=_("drill")
    )
    photo = DrillPhotoField(_("photo"), validators=PHOTO_VALIDATORS)

    class Meta:
        verbose_name = _("photo of a drill")
        verbose_name_plural = _("photos of drills")
        ordering = ["drill", "pk"]

    def __str__(self):
        return f"{self.drill} · {self.pk}"
