import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.storage import disk_full_message


class Reminder(models.Model):
    """A reminder sent to one person about one requirement; limits repeats to one a day."""

    requirement = models.ForeignKey(
        "courses.TrainingRequirement", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), db_index=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["requirement", "user", "sent_at"])]

    def __str__(self):
        return f"{self.requirement_id} → {self.user_id}"


def export_storage():
    """Exports hold names and phones: kept apart from public media, served after a check."""
    from config.storage import named_storage

    return named_storage("exports")


class Export(models.Model):
    """A large Excel export written in the background, with its progress for the waiting page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        DISK_FULL = "disk_full", _("The server's disk is full or failing")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    what = models.CharField(max_length=20)
    query = models.TextField(blank=True, help_text="The report's query string when asked for.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=export_storage, upload_to="%Y/%m/", blank=True)
    filename = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why a failed export failed, when it is something the coordinator can be told.
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return self.filename

    @property
    def percent(self):
        return min(100, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0

    @property
    def failure_message(self):
        return disk_full_message() if self.failure == self.Failure.DISK_FULL else ""

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
