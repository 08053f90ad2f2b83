"""Each unit's drill status by the rule (drills.drill_rules.drill_due), in two queries for a
whole subtree: the units with their key-unit mark, and every unit's drill figures in one GROUP BY.

Kept apart from drills.drill_overview so that the reports read it without reaching the
self-inspection app (the layering keeps reports away from handbooks).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from organisations.models import Organisation, TaggedPlaceType

from .drill_rules import KEY_UNIT_PLACE_TYPE, DrillHistory, drill_due
from .models import UnitDrill

# The organisations that drill: social units and schools (those that walk rounds too).
DRILLING_KINDS = (Organisation.Kind.UNIT, Organisation.Kind.SCHOOL)


def current_drills():
    """Drill records no correction has replaced: the ones that count."""
    return UnitDrill.objects.filter(~Exists(UnitDrill.objects.filter(corrects=OuterRef("pk"))))


@dataclass
class UnitStatus:
    unit: Organisation
    is_key: bool
    history: DrillHistory
    due: object  # drill_rules.DrillDue

    @property
    def overdue(self):
        return self.due.overdue


def unit_statuses(visible, parent_path, today):
    """Every active unit and school at or below parent_path in the scope, with its drill status
    by the rule (two queries), in tree order."""
    key_mark = TaggedPlaceType.objects.filter(
        content_object=OuterRef("pk"), tag__name=KEY_UNIT_PLACE_TYPE
    )
    units = list(
        visible.filter(path__startswith=parent_path, kind__in=DRILLING_KINDS, is_active=True)
        .annotate(is_key=Exists(key_mark))
        .order_by("path")
    )
    this_year = date(today.year, 1, 1)
    last_year = date(today.year - 1, 1, 1)
    figures = (
        current_drills()
        .filter(
            unit__in=visible.filter(path__startswith=parent_path, kind__in=DRILLING_KINDS).values(
                "pk"
            ),
            held_on__lte=today,
        )
        .values("unit_id")
        .annotate(
            last=Max("held_on"),
            last_evacuation=Max("held_on", filter=Q(kind__in=UnitDrill.TIMED_KINDS)),
            this_year=Count("pk", filter=Q(held_on__gte=this_year)),
            last_year=Count("pk", filter=Q(held_on__gte=last_year, held_on__lt=this_year)),
        )
        .order_by()
    )
    by_unit = {row.pop("unit_id"): DrillHistory(**row) for row in figures}
    statuses = []
    for unit in units:
        history = by_unit.get(unit.pk, DrillHistory())
        due = drill_due(kind=unit.kind, is_key=unit.is_key, history=history, today=today)
        statuses.append(UnitStatus(unit, unit.is_key, history, due))
    return statuses


def unit_status(unit, today=None):
    """One unit's status by the rule (for its own page)."""
    today = today or timezone.localdate()
    unit_qs = Organisation.objects.filter(pk=unit.pk)
    return unit_statuses(unit_qs, unit.path, today)[0] if unit.is_active else None
