from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One form's submit, done once: the answer a replay of it gets."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    purpose = models.CharField(max_length=50)
    # SHA-256 of the path and posted fields: the same key with other content is refused.
    fingerprint = models.CharField(max_length=64)
    redirect_url = models.TextField(blank=True)
    messages = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            # Per user: another person's key is a different row and never reveals this one.
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self):
        return f"{self.purpose} {self.key}"
