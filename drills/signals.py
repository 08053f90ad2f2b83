"""Sign-offs are kept: a cascade or a queryset's delete() is refused as the model's delete() is."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from inspections.append_only import RecordRefused

from .models import SkillSignOff


@receiver(pre_delete, sender=SkillSignOff, dispatch_uid="drills.keep_signoffs")
def keep_signoffs(sender, instance, **kwargs):
    raise RecordRefused(f"{sender.__name__} rows are kept.")
