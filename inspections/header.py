"""The header's link to 巡查检查, for whom /inspections/ holds something: read in its one query."""

from django.db.models import Exists, OuterRef

from organisations.context_processors import register_figure
from organisations.models import Membership

from .models import Hazard, RoundNominee
from .services import INSPECTING_KINDS, LEADER_ROLES


def _has_inspections():
    """Leads an active unit or school, is named to walk its rounds while still a member, or has
    a hazard to fix (the same people `services.inspecting_units` and the home page serve)."""
    current = Membership.objects.current().filter(
        user=OuterRef(OuterRef("pk")), organisation=OuterRef("unit")
    )
    return (
        Exists(
            Membership.objects.current().filter(
                user=OuterRef("pk"),
                role__in=LEADER_ROLES,
                organisation__kind__in=INSPECTING_KINDS,
                organisation__is_active=True,
            )
        )
        | Exists(
            RoundNominee.objects.filter(
                user=OuterRef("pk"), unit__is_active=True, unit__kind__in=INSPECTING_KINDS
            ).filter(Exists(current))
        )
        | Exists(Hazard.objects.filter(responsible=OuterRef("pk"), state=Hazard.State.PENDING))
    )


def connect():
    register_figure("has_inspections", _has_inspections)
