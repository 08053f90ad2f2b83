"""Who may see which organisations, and so which people and records.

Every list, detail page and export that shows people or their records asks this module. A
coordinator sees the subtree under each organisation where they hold a current coordinator
membership; a coordinator of an industry department (行业部门) sees the organisations of that
department's sector within the department's region (its parent's subtree), with everything below
them; superusers see everything.

The other helpers here (`scope_roots`, `visible_memberships`, `visible_people`,
`full_phone_organisation_ids`) are all built on `visible_organisations`, so there is one place
where access is decided.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Membership, Organisation


def coordinating_memberships():
    """Current coordinator memberships of active organisations: who may use the manage area."""
    return Membership.objects.current().filter(
        role=Membership.Role.COORDINATOR, organisation__is_active=True
    )


def _coordinator_memberships(user):
    return coordinating_memberships().filter(user=user).select_related("organisation")


def _coordinator_memberships_of(user):
    """The user's coordinator memberships, read once per user object (so once per request)."""
    cached = getattr(user, "_coordinator_memberships_cache", None)
    if cached is None:
        cached = list(_coordinator_memberships(user))
        user._coordinator_memberships_cache = cached
    return cached


def visible_organisations(user):
    """The organisations the user may see as a coordinator (an empty queryset for others)."""
    visible = coordinator_scope(user)
    return Organisation.objects.none() if visible is None else visible


def coordinator_scope(user):
    """visible_organisations(user), or None if the user coordinates nothing (one query)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Organisation.objects.all()
    memberships = _coordinator_memberships_of(user)
    if not memberships:
        return None
    subtree_paths = []
    sector_rules = Q()
    for membership in memberships:
        organisation = membership.organisation
        subtree_paths.append(organisation.path)
        if organisation.kind == Organisation.Kind.DEPARTMENT and organisation.sector:
            # The region is the department's parent: its path is the department's minus a step.
            region_path = organisation.path[: -Organisation.steplen]
            sector_rules |= Q(sector=organisation.sector, path__startswith=region_path)
    condition = Q(pk__in=[])
    for path in subtree_paths:
        condition |= Q(path__startswith=path)
    if sector_rules:
        # Everything at or below an organisation of the sector: one of its ancestors (or itself)
        # is of the sector. Ancestors' paths are the prefixes of a path, so each is found by
        # equality on the indexed path column rather than by scanning the sector.
        deepest = Organisation.objects.aggregate(deepest=Max("depth"))["deepest"] or 1
        ancestor_or_self = Q()
        for depth in range(1, deepest + 1):
            ancestor_or_self |= Q(path=Substr(OuterRef("path"), 1, depth * Organisation.steplen))
        sector_roots = Organisation.objects.filter(sector_rules).filter(ancestor_or_self)
        condition |= Q(Exists(sector_roots))
    return Organisation.objects.filter(condition)


def scope_roots(visible):
    """The top organisations of a scope: visible ones whose parent is not visible."""
    parent_visible = visible.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organisation.steplen)
    )
    return visible.exclude(Exists(parent_visible))


def is_coordinator(user):
    return user.is_authenticated and (user.is_superuser or _coordinator_memberships(user).exists())


def is_volunteer(user):
    """Whether the person serves in a volunteer team now, read once per user object."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_volunteer_cache", None)
    if cached is None:
        cached = Membership.objects.volunteering().filter(user=user).exists()
        user._is_volunteer_cache = cached
    return cached


def get_visible_organisation_or_404(user, pk, visible=None):
    """The organisation, if this user may see it; otherwise 404, as if it did not exist."""
    visible = visible_organisations(user) if visible is None else visible
    try:
        return visible.get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def visible_memberships(user, visible=None):
    """Memberships (current and past) in the organisations the user may see."""
    visible = visible_organisations(user) if visible is None else visible
    return Membership.objects.filter(organisation__in=visible)


def get_visible_membership_or_404(user, pk, visible=None):
    """A membership in the user's scope, with its person and organisation; otherwise 404."""
    try:
        return visible_memberships(user, visible).select_related("user", "organisation").get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def visible_people(user, visible=None):
    """People with a membership (current or past) in an organisation the user may see."""
    memberships = visible_memberships(user, visible)
    return get_user_model().objects.filter(Exists(memberships.filter(user=OuterRef("pk"))))


def full_phone_organisation_ids(user):
    """Organisations whose members' phone numbers this user sees in full.

    The rule (docs/org-manage.md): a phone is shown in full to its owner, to superusers, and to
    the coordinators *of the person's own organisation* — those holding a current coordinator
    membership at that very organisation. Coordinators higher up the tree see 138****5678: they
    chase completion through the unit's coordinator and do not need everyone's number.
    Returns None for "all of them" (superusers).
    """
    if user.is_superuser:
        return None
    return {membership.organisation_id for membership in _coordinator_memberships_of(user)}


def may_see_full_phone(viewer, person, organisation_id, full_phone_ids):
    """Whether viewer sees person's number in full on a row of organisation_id."""
    return viewer.pk == person.pk or full_phone_ids is None or organisation_id in full_phone_ids


# Authority over a person -------------------------------------------------------------------------
#
# Seeing a membership is not power over the person who holds it: a coordinator can create a
# membership in their own organisation for anybody (add-member, the import, a join code), so a
# membership in scope must never be what grants the right to reset a password or close an
# account. Authority is over the *person*, decided here and nowhere else.


def _ancestor_or_self_paths(paths):
    step = Organisation.steplen
    return {path[:end] for path in paths for end in range(step, len(path) + 1, step)}


def people_under_authority(actor, visible=None):
    """The people whose account this actor may act on (password, activation, name, phone, roles).

    A coordinator has authority over a person only when every *current* membership of that
    person lies in the coordinator's scope, the person holds no coordinator role at or above any
    of the coordinator's own organisations, and the person is neither staff, superuser nor the
    actor. Ended memberships grant nothing. Superusers have authority over everyone else.
    """
    User = get_user_model()
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    if actor.is_superuser:
        return User.objects.exclude(pk=actor.pk)
    visible = coordinator_scope(actor) if visible is None else visible
    if visible is None:
        return User.objects.none()
    above = _ancestor_or_self_paths(
        membership.organisation.path for membership in _coordinator_memberships_of(actor)
    )
    current = Membership.objects.current().filter(user=OuterRef("pk"))
    return (
        User.objects.filter(is_superuser=False, is_staff=False)
        .exclude(pk=actor.pk)
        .filter(Exists(current))
        .exclude(Exists(current.exclude(organisation__in=visible)))
        .exclude(
            Exists(current.filter(role=Membership.Role.COORDINATOR, organisation__path__in=above))
        )
    )


def may_manage_person(actor, person, visible=None):
    """Whether actor may act on person's account (one query)."""
    return people_under_authority(actor, visible).filter(pk=person.pk).exists()


def authority_refusal(actor, person, visible=None):
    """None when actor may act on person's account, otherwise the reason, for the 403 page.

    The decision is may_manage_person's; the checks below only find which part of it failed.
    """
    if may_manage_person(actor, person, visible):
        return None
    if person.pk == actor.pk:
        return _("You cannot act on your own account here: change it in My data.")
    if person.is_superuser or person.is_staff:
        return _("Only an administrator can act on an administrator's account.")
    current = Membership.objects.current().filter(user=person)
    if not current.exists():
        return _(
            "This person belongs to no organisation now; past memberships give no authority "
            "over an account."
        )
    visible = coordinator_scope(actor) if visible is None else visible
    if visible is None or current.exclude(organisation__in=visible).exists():
        return _(
            "This person also belongs to organisations outside your area: only a coordinator "
            "over all of them can act on the account."
        )
    return _(
        "This person is a coordinator of your organisation or of one above it: ask the "
        "coordinator above you."
    )
