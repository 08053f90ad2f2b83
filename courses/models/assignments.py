"""Lessons assigned to people by name: targeted refresher training (针对性培训)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

REASON_MAX_LENGTH = 200


class LessonAssignment(models.Model):
    """One lesson one person is asked to (re)take by a date, with the reason as it was given.

    The reason is a snapshot ("本单位3月检查：疏散通道堵塞"), so it stays true when the round or
    the handbook changes. The assignment closes (completed_at) when the person completes the
    lesson after it was made; a closed one stays as a record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_assignments",
        verbose_name=_("person"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("lesson"),
    )
    # Where it was assigned: the unit the person belongs to (reports count it there).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="lesson_assignments",
        verbose_name=_("organisation"),
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH)
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("assigned"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # When the daily reminders (send_assignment_reminders) went out: each at most once.
    due_soon_reminded_at = models.DateTimeField(
        _("reminded before the due date"), null=True, blank=True
    )
    overdue_reminded_at = models.DateTimeField(_("reminded when overdue"), null=True, blank=True)

    class Meta:
        verbose_name = _("assigned lesson")
        verbose_name_plural = _("assigned lessons")
        ordering = ["due_date", "pk"]
        constraints = [
            # Assigning a lesson again while it is open does not double it.
            models.UniqueConstraint(
                fields=["user", "lesson"],
                condition=Q(completed_at__isnull=True),
                name="one_open_assignment_per_lesson",
            )
        ]
        indexes = [models.Index(fields=["organisation", "due_date"])]

    def __str__(self):
        return self.reason
