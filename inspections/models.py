"""Self-inspection records: rounds walked from a handbook, their answers, and the hazards found.

A round copies the check points it asks about when it starts (RoundPoint), so the record says
what was asked even after the handbook changes. Answers are never updated: a new answer to the
same point is a new row, and the latest one counts. Once signed, a round takes no more answers
and is not changed again: a leader's correction is a new answer that names the one it corrects,
with a reason. A hazard's steps (found, changed, rectified, closed) are entries of its history;
the hazard row keeps only its current state, and refuses to rewrite its finding or its fix.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from handbooks.blocks import Severity
from organisations.models import Organisation

from .append_only import LoadedValues, RecordRefused, WrittenOnce
from .photos import PHOTO_VALIDATORS, AnswerPhotoField, FixPhotoField

SEVERITY_CHOICES = Severity.CHOICES


def default_deadline(severity, today=None):
    """The rectification deadline a new hazard of this severity gets (HAZARD_DEADLINE_DAYS)."""
    today = today or timezone.localdate()
    return today + timedelta(days=settings.HAZARD_DEADLINE_DAYS[severity])


class RoundNominee(models.Model):
    """A member of a unit its 管理人 or 责任人 named to walk rounds as well."""

    unit = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="round_nominees",
        verbose_name=_("unit"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("named by"),
    )
    named_at = models.DateTimeField(_("named"), default=timezone.now)

    class Meta:
        verbose_name = _("named inspector")
        verbose_name_plural = _("named inspectors")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="one_nomination_per_person")
        ]

    def __str__(self):
        return f"{self.user} · {self.unit}"


class Round(LoadedValues):
    """One patrol (防火巡查) or inspection (防火检查) of a unit, from one handbook."""

    class Kind(models.TextChoices):
        PATROL = "patrol", _("Fire patrol (防火巡查)")
        INSPECTION = "inspection", _("Fire inspection (防火检查)")

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SIGNED = "signed", _("Signed")

    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="inspection_rounds",
        verbose_name=_("unit"),
    )
    handbook = models.ForeignKey(
        "handbooks.HandbookPage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("handbook"),
    )
    handbook_title = models.CharField(_("handbook title"), max_length=255)
    handbook_revision_id = models.PositiveIntegerField(_("handbook revision"), null=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    inspector_name = models.CharField(_("inspector's name"), max_length=60, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "-started_at"]),
            # The overview's last signed patrol and inspection of each unit: one probe each.
            models.Index(
                fields=["unit", "kind", "status", "started_at"], name="round_last_of_kind"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("inspections:round", args=[self.pk])

    @property
    def is_signed(self):
        return self.status == self.Status.SIGNED

    def save(self, *args, **kwargs):
        if self.loaded("status") == self.Status.SIGNED:
            raise RecordRefused("A signed round is not changed: file a correction.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Before the collector, which would stop at the hazards' protection first.
        if self.is_signed:
            raise RecordRefused("A signed round is kept.")
        return super().delete(*args, **kwargs)


class RoundPoint(WrittenOnce):
    """A check point as the handbook said it when the round started."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="points", verbose_name=_("round")
    )
    order = models.PositiveIntegerField(_("order"))
    section_title = models.CharField(_("section"), max_length=80)
    item = models.CharField(_("what to check"), max_length=120)
    requirement = models.TextField(_("requirement"))
    method = models.TextField(_("how to check"), blank=True)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    patrol_point = models.BooleanField(_("daily patrol point"), default=False)
    default_severity = models.CharField(
        _("severity when failed"), max_length=10, choices=SEVERITY_CHOICES
    )
    lesson_id = models.PositiveIntegerField(_("lesson"), null=True, blank=True)

    class Meta:
        verbose_name = _("check point of a round")
        verbose_name_plural = _("check points of a round")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="one_point_per_place")
        ]

    def __str__(self):
        return self.item


class Answer(WrittenOnce):
    """One answer to a check point; later rows win, earlier ones stay (append-only).

    After sign-off the only new answers are corrections: each names the answer it corrects
    (the point's latest) and gives a reason.
    """

    class Result(models.TextChoices):
        PASS = "pass", _("Pass (合格)")
        FAIL = "fail", _("Fail (不合格)")
        NOT_APPLICABLE = "na", _("Not applicable (不适用)")

    point = models.ForeignKey(
        RoundPoint, on_delete=models.CASCADE, related_name="answers", verbose_name=_("check point")
    )
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    photo = AnswerPhotoField(
        _("photo"),
        blank=True,
        validators=PHOTO_VALIDATORS,
        help_text=_("Optional: a JPEG, PNG or WebP photo of at most 10 MB."),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        # Latest first; the id breaks ties of two answers in the same microsecond.
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["point", "-answered_at", "-id"])]

    def __str__(self):
        return f"{self.point} · {self.get_result_display()}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            signed = Round.objects.filter(points=self.point_id, status=Round.Status.SIGNED)
            if signed.exists() != (self.corrects_id is not None):
                raise RecordRefused(
                    "A signed round takes corrections only, and an open one plain answers."
                )
        return super().save(*args, **kwargs)

    @property
    def is_correction(self):
        return self.corrects_id is not None


# What a hazard was found as, and how it was fixed: written once, never rewritten.
HAZARD_FINDING_FIELDS = (
    "source",
    "round_id",
    "point_id",
    "answer_id",
    "item",
    "finding",
    "unit_id",
    "created_at",
)
HAZARD_FIX_FIELDS = ("fix_note", "fix_photo", "rectified_by_id", "rectified_at")
HAZARD_STATE_ORDER = ("pending", "rectified", "closed")


class Hazard(LoadedValues):
    """A failed check point of a signed round, followed until it is rectified and confirmed.

    A hazard found elsewhere (a problem seen in a unit's drill: source "drill") has no round,
    point or answer: it says what was found in `item` and `finding`, and the app it came from
    links back to it (inspections.sources). States, deadlines and reminders are the same.
    """

    class Source(models.TextChoices):
        ROUND = "round", _("Self-inspection round")
        DRILL = "drill", _("Drill (演练)")

    class State(models.TextChoices):
        PENDING = "pending", _("To rectify (待整改)")
        RECTIFIED = "rectified", _("Rectified, to confirm (已整改待复核)")
        CLOSED = "closed", _("Closed (已销号)")

    source = models.CharField(
        _("found in"), max_length=10, choices=Source.choices, default=Source.ROUND
    )
    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("round"),
    )
    point = models.OneToOneField(
        RoundPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazard",
        verbose_name=_("check point"),
    )
    answer = models.ForeignKey(
        Answer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer"),
    )
    # What was found, for a hazard that has no check point (one from a drill).
    item = models.CharField(_("what was found"), max_length=200, blank=True)
    finding = models.TextField(_("details of the finding"), max_length=1000, blank=True)
    # The unit again, so scoping and lists need no join through the round.
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("unit")
    )
    severity = models.CharField(_("severity"), max_length=10, choices=SEVERITY_CHOICES)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hazards_to_rectify",
        verbose_name=_("responsible person"),
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(_("found"), default=timezone.now)
    fix_note = models.TextField(_("what was done"), max_length=1000, blank=True)
    fix_photo = FixPhotoField(
        _("photo of the fix"),
        blank=True,
        validators=PHOTO_VALIDATORS,
        help_text=_("A JPEG, PNG or WebP photo of at most 10 MB."),
    )
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectified by"),
    )
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["unit", "state"])]
        constraints = [
            # A round's hazard names its round, point and answer; another names what it is.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        source="round",
                        round__isnull=False,
                        point__isnull=False,
                        answer__isnull=False,
                    )
                    | (~models.Q(source="round") & ~models.Q(item=""))
                ),
                name="hazard_found_in_round_or_named",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        """What the hazard is: the check point that failed, or what a drill found."""
        return self.point.item if self.point_id else self.item

    @property
    def finding_note(self):
        """What was seen: the failed answer's note, or the drill problem's details."""
        return self.answer.note if self.answer_id else self.finding

    @property
    def is_overdue(self):
        """逾期: still to rectify after its deadline day (computed, so it is never stale)."""
        return self.state == self.State.PENDING and self.deadline < timezone.localdate()

    @property
    def is_major(self):
        return self.severity == Severity.MAJOR

    def save(self, *args, **kwargs):
        loaded_state = self.loaded("state")
        if loaded_state == self.State.CLOSED:
            raise RecordRefused("A closed hazard is kept as it was closed.")
        rewritten = self.changed_from_loaded(HAZARD_FINDING_FIELDS) + [
            name for name in self.changed_from_loaded(HAZARD_FIX_FIELDS) if self.loaded(name)
        ]
        if rewritten:
            raise RecordRefused(f"A hazard's finding and fix are not rewritten: {rewritten}.")
        if loaded_state and HAZARD_STATE_ORDER.index(self.state) < HAZARD_STATE_ORDER.index(
            loaded_state
        ):
            raise RecordRefused("A hazard's state only moves forward.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordRefused("Hazards are kept.")


class HazardEntry(WrittenOnce):
    """One step in a hazard's history (found, changed, rectified, closed), written once."""

    class Kind(models.TextChoices):
        FOUND = "found", _("Found")
        CHANGED = "changed", _("Changed")
        RECTIFIED = "rectified", _("Reported rectified")
        CLOSED = "closed", _("Confirmed and closed")

    hazard = models.ForeignKey(
        Hazard, on_delete=models.PROTECT, related_name="entries", verbose_name=_("hazard")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # The actor's name as it was, for the paper record.
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # found: severity, responsible (name), deadline; changed: {field: [before, after]};
    # rectified: note.
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("hazard history entry")
        verbose_name_plural = _("hazard history entries")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.hazard_id} · {self.get_kind_display()}"

    def changes(self):
        """[(field label, before, after)] of a change, in words (severity by its label)."""
        labels = {
            "severity": _("Severity"),
            "responsible": _("Responsible person"),
            "deadline": _("Deadline"),
        }
        severities = dict(SEVERITY_CHOICES)
        rows = []
        for field, label in labels.items():
            if field in self.data and self.kind == self.Kind.CHANGED:
                before, after = self.data[field]
                if field == "severity":
                    before, after = severities.get(before, before), severities.get(after, after)
                rows.append((label, before, after))
        return rows


class HazardReminder(WrittenOnce):
    """A reminder sent to a hazard's responsible person: one of each kind per deadline."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Deadline near")
        OVERDUE = "overdue", _("Overdue")

    hazard = models.ForeignKey(
        Hazard, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("hazard")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The deadline it was about: a deadline moved later earns a new reminder.
    deadline = models.DateField(_("deadline"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("person"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    emailed = models.BooleanField(_("e-mailed"), default=False)

    class Meta:
        verbose_name = _("hazard reminder")
        verbose_name_plural = _("hazard reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "kind", "deadline"], name="one_reminder_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.hazard_id} · {self.get_kind_display()} · {self.deadline}"
