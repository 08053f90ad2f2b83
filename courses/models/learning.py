import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.my_data import DELETED_NAME
from organisations.models import Membership, Organisation

# Certificate codes avoid characters that are easy to misread when typed from paper.
CERTIFICATE_CODE_ALPHABET = "3456789ABCDEFGHJKMNPQRSTUVWXY"
CERTIFICATE_CODE_LENGTH = 12


def generate_certificate_code():
    return "".join(
        secrets.choice(CERTIFICATE_CODE_ALPHABET) for _ in range(CERTIFICATE_CODE_LENGTH)
    )


class Enrolment(models.Model):
    """One person's pass through a course; a renewal starts a new cycle, the old one stays."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="enrolments"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # The best graded score on the course's quizzes during this cycle, written when graded.
    best_score = models.PositiveSmallIntegerField(_("best quiz score"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "cycle"], name="one_enrolment_per_cycle"
            )
        ]
        indexes = [
            models.Index(fields=["course", "completed_at"]),
            models.Index(fields=["user", "course", "-cycle"]),
        ]

    def __str__(self):
        return f"{self.user} · {self.course} · {self.cycle}"

    def is_valid_completion(self, now=None):
        now = now or timezone.now()
        return self.completed_at is not None and (self.expires_at is None or self.expires_at > now)

    def has_expired(self, now=None):
        now = now or timezone.now()
        return (
            self.completed_at is not None and self.expires_at is not None and self.expires_at <= now
        )


class LessonProgress(models.Model):
    """What a person did in one lesson of one enrolment: done or not, and video watched."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    video_position = models.FloatField(_("video position (s)"), default=0)
    # Merged [start, end] intervals in seconds actually played; skipping ahead adds none.
    video_watched = models.JSONField(default=list, blank=True)
    video_reported_at = models.DateTimeField(null=True, blank=True)
    # Wall-clock seconds the server has seen pass between the player's reports (each interval
    # capped); video_watched never adds up to more, so play cannot outrun real time.
    video_credit_seconds = models.FloatField(_("video time credited (s)"), default=0)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="one_progress_per_lesson")
        ]

    def __str__(self):
        return f"{self.enrolment} · {self.lesson_id}"

    def watched_seconds(self):
        return sum(end - start for start, end in self.video_watched)


class Certificate(models.Model):
    """Proof of a completed course: the name as it was, dates, and a code anyone can verify."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=CERTIFICATE_CODE_LENGTH, unique=True)
    holder_name = models.CharField(_("name on the certificate"), max_length=60)
    course_title = models.CharField(_("course on the certificate"), max_length=255)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.code} · {self.holder_name} · {self.course_title}"

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    def status(self, now=None):
        now = now or timezone.now()
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at and self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.VALID

    def get_status_display(self):
        return self.Status(self.status()).label

    @property
    def holder_deleted_account(self):
        """The holder deleted their account: the certificate no longer names them."""
        return self.holder_name == DELETED_NAME

    def masked_holder_name(self):
        """张*明: enough to recognise, not enough to look someone up."""
        name = self.holder_name
        if len(name) <= 1:
            return name
        if len(name) == 2:
            return name[0] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]


class TrainingRequirement(models.Model):
    """A course that certain roles in an organisation subtree must finish by a date."""

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("course"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="training_requirements",
        verbose_name=_("organisation"),
        help_text=_("The requirement applies to this organisation and everything below it."),
    )
    roles = models.JSONField(_("roles"), default=list)
    due_date = models.DateField(_("due date"))
    renewal_months = models.PositiveSmallIntegerField(
        _("renew every (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a one-off requirement; 12 for a yearly refresher (轮训)."),
    )
    is_active = models.BooleanField(pgettext_lazy("enabled", "active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        ordering = ["due_date"]

    def __str__(self):
        return f"{self.course} · {self.organisation}"

    def role_labels(self):
        labels = dict(Membership.Role.choices)
        return [labels[role] for role in self.roles if role in labels]

    @classmethod
    def applying_to(cls, user, memberships=None):
        """Active requirements naming a role the user currently holds inside their subtree.

        `memberships`: the user's current (organisation path, role) pairs at active
        organisations, when the caller has read them already. Each requirement comes with its
        organisation; its course is the caller's to fetch (they read courses from the cache)."""
        from ..requirement_cache import applying

        if memberships is None:
            memberships = list(
                Membership.objects.current()
                .filter(user=user, organisation__is_active=True)
                .values_list("organisation__path", "role")
            )
        if not memberships:
            return []
        return applying(memberships, cls._applying_to_memberships)

    @classmethod
    def _applying_to_memberships(cls, memberships):
        condition = Q(pk__in=[])
        for path, _role in memberships:
            ancestor_paths = [
                path[:end]
                for end in range(Organisation.steplen, len(path) + 1, Organisation.steplen)
            ]
            condition |= Q(organisation__path__in=ancestor_paths)
        requirements = (
            cls.objects.filter(is_active=True).filter(condition).select_related("organisation")
        )
        paths_by_role = {}
        for path, role in memberships:
            paths_by_role.setdefault(role, []).append(path)
        # Role matching on a JSON list is done here: the candidate set is a handful of rows.
        return [
            requirement
            for requirement in requirements
            if any(
                role in paths_by_role
                and any(
                    path.startswith(requirement.organisation.path) for path in paths_by_role[role]
                )
                for role in requirement.roles
            )
        ]
