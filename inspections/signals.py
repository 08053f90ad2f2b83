"""Deletes of the signed record are refused, whichever door they come through.

A model's delete() is not called by a cascade or by QuerySet.delete(); pre_delete is, for each
row, so these receivers stop an organisation's, a round's or a script's delete alike.
"""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .append_only import RecordRefused
from .models import Answer, Hazard, HazardEntry, HazardReminder, Round, RoundPoint


@receiver(pre_delete, sender=Answer, dispatch_uid="inspections.keep_answers")
@receiver(pre_delete, sender=Hazard, dispatch_uid="inspections.keep_hazards")
@receiver(pre_delete, sender=HazardEntry, dispatch_uid="inspections.keep_hazard_entries")
@receiver(pre_delete, sender=HazardReminder, dispatch_uid="inspections.keep_reminders")
def keep_record_rows(sender, instance, **kwargs):
    raise RecordRefused(f"{sender.__name__} rows are kept.")


@receiver(pre_delete, sender=Round, dispatch_uid="inspections.keep_signed_rounds")
def keep_signed_round(sender, instance, **kwargs):
    if instance.is_signed:
        raise RecordRefused("A signed round is kept.")


@receiver(pre_delete, sender=RoundPoint, dispatch_uid="inspections.keep_signed_points")
def keep_points_of_signed_round(sender, instance, **kwargs):
    if Round.objects.filter(pk=instance.round_id, status=Round.Status.SIGNED).exists():
        raise RecordRefused("The check points of a signed round are kept.")
