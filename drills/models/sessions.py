"""Hands-on training sessions (实操培训) of a practical lesson, and who is on each one's roster.

A session belongs to the organisation that runs it (a town, unit, school or volunteer team) and is
open to the members of one subtree (`open_to`: the organiser's own, or its whole town). An
enrolment is a person's place on the roster or on the waiting list; cancelling keeps the row.
Attendance and the skills sign-off are written on top of a confirmed enrolment.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

MAX_CAPACITY = 500


class TrainingSession(models.Model):
    """One sitting of a practical lesson at a place and time, with a capacity."""

    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("practical lesson"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="training_sessions",
        verbose_name=_("organised by"),
    )
    # Whose members may sign up: the organiser's subtree, or a wider one (its town).
    open_to = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("open to"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    map_url = models.URLField(_("map link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    signup_deadline = models.DateTimeField(_("sign-up deadline"))
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="instructed_sessions", verbose_name=_("instructors")
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Set when the instructor closed the roster (or the daily command did, the day after): the
    # confirmed people not checked in were then recorded as no-shows.
    roster_closed_at = models.DateTimeField(_("roster closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["lesson", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="drills_session_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=models.F("starts_at")),
                name="drills_session_signup_before_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="drills_session_capacity",
            ),
        ]

    def __str__(self):
        return f"{self.lesson.title} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Enrolment(models.Model):
    """A person's place on a session: on the roster, waiting for a place, or cancelled."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("On the roster")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        PRESENT = "present", _("Present")
        LATE = "late", _("Arrived late")
        NO_SHOW = "no_show", _("Did not come")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("training session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="session_enrolments",
        verbose_name=_("person"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # The waiting list is served in this order; a promotion keeps it as the sign-up time.
    signed_up_at = models.DateTimeField(_("signed up"), default=timezone.now)
    # Set when a coordinator enrolled the person (else they signed up themselves).
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    # The day-before reminder went out (send_session_reminders sends it once).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["signed_up_at", "pk"]
        constraints = [
            # Signing up twice finds the first row: a person is on a session once.
            models.UniqueConstraint(fields=["session", "user"], name="drills_enrolment_once"),
        ]
        indexes = [models.Index(fields=["session", "state", "signed_up_at"])]

    def __str__(self):
        return f"{self.user} · {self.session} · {self.get_state_display()}"
