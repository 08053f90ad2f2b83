"""The instructor's skills sign-off (技能考核): one row per skill checked on a person, kept.

A row is written once (inspections.append_only.WrittenOnce): a second verdict on the same skill is
a new row and the latest counts, as a round's answers do. The skill is named by its block id in
the lesson's checklist (stable while editors reorder or reword the list) with a copy of its title
and standard as they read at sign-off, so the record says what was checked even after an edit.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.append_only import RecordRefused, WrittenOnce

from .sessions import Enrolment

NOTE_LENGTH = 300


class SkillSignOff(WrittenOnce):
    """One verdict, 达标 or 未达标, on one skill of a person on a session's roster."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="skill_signoffs",
        verbose_name=_("enrolment"),
    )
    # The enrolment's person and the session's lesson, copied so "the latest verdict of each
    # person on each skill" reads one table (the row is never rewritten, so they cannot drift).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="skill_signoffs",
        verbose_name=_("person"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("practical lesson"),
    )
    skill_id = models.CharField(_("skill id"), max_length=64)
    skill_title = models.CharField(_("skill"), max_length=80)
    skill_standard = models.CharField(_("what passing means"), max_length=300, blank=True)
    passed = models.BooleanField(_("passed (达标)"))
    note = models.CharField(_("note"), max_length=NOTE_LENGTH, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_at = models.DateTimeField(_("signed off"), default=timezone.now)

    class Meta:
        verbose_name = _("skill sign-off")
        verbose_name_plural = _("skill sign-offs")
        # Latest first; the id breaks ties of two verdicts in the same microsecond.
        ordering = ["-signed_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "lesson", "skill_id", "-signed_at", "-id"],
                name="drills_signoff_latest",
            ),
            models.Index(fields=["enrolment", "-signed_at"], name="drills_signoff_enrolment"),
        ]

    def __str__(self):
        verdict = _("passed") if self.passed else _("not passed")
        return f"{self.skill_title} · {verdict}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.user_id != self.enrolment.user_id:
            raise RecordRefused("A sign-off names the person of its enrolment.")
        return super().save(*args, **kwargs)
