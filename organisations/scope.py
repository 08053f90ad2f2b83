"""Who may see which organisations, and so which people and records.

Every list, detail page and export that shows people or their records asks this module. A
coordinator sees the subtree under each organisation where they hold a current coordinator
membership; a coordinator of an industry department (行业部门) sees the organisations of that
department's sector within the department's region (its parent's subtree), with everything below
them; superusers see everything.
"""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.http import Http404

from .models import Membership, Organisation


def _coordinator_memberships(user):
    return (
        Membership.objects.current()
        .filter(user=user, role=Membership.Role.COORDINATOR)
        .select_related("organisation")
    )


def visible_organisations(user):
    """The organisations the user may see as a coordinator (an empty queryset for others)."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    subtree_paths = []
    sector_rules = Q()
    for membership in _coordinator_memberships(user):
        organisation = membership.organisation
        if not organisation.is_active:
            continue
        if organisation.kind == Organisation.Kind.DEPARTMENT and organisation.sector:
            region = organisation.get_parent()
            region_path = region.path if region else ""
            sector_rules |= Q(sector=organisation.sector, path__startswith=region_path)
            subtree_paths.append(organisation.path)
        else:
            subtree_paths.append(organisation.path)
    condition = Q(pk__in=[])
    for path in subtree_paths:
        condition |= Q(path__startswith=path)
    if sector_rules:
        # Everything at or below an organisation of the sector: the outer path starts with it.
        sector_roots = Organisation.objects.filter(sector_rules).filter(
            path=Substr(OuterRef("path"), 1, Length("path"))
        )
        condition |= Q(Exists(sector_roots))
    return Organisation.objects.filter(condition)


def is_coordinator(user):
    return user.is_authenticated and (user.is_superuser or _coordinator_memberships(user).exists())


def get_visible_organisation_or_404(user, pk):
    """The organisation, if this user may see it; otherwise 404, as if it did not exist."""
    try:
        return visible_organisations(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def visible_memberships(user):
    """Memberships (current and past) in the organisations the user may see."""
    return Membership.objects.filter(organisation__in=visible_organisations(user))
