"""Deletes of the drill record are refused, whichever door they come through (a cascade, a
queryset's delete()), as inspections.signals does for the self-inspection record."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from inspections.append_only import RecordRefused

from .models import DrillPhoto, DrillProblem, UnitDrill


@receiver(pre_delete, sender=UnitDrill, dispatch_uid="drills.keep_drills")
@receiver(pre_delete, sender=DrillProblem, dispatch_uid="drills.keep_drill_problems")
@receiver(pre_delete, sender=DrillPhoto, dispatch_uid="drills.keep_drill_photos")
def keep_drill_rows(sender, instance, **kwargs):
    raise RecordRefused(f"{sender.__name__} rows are kept.")
