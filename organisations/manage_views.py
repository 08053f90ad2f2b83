"""The coordinator area /manage/: thin views over organisations.scope and organisations.services.

Every organisation or membership is looked up through the scope, so one outside it is a 404,
whether it comes from the URL or from a POSTed id.
"""

from collections import defaultdict
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.validators import mask_phone, normalise_phone

from . import account_actions, services
from .manage_forms import AddMemberForm, ChangeRoleForm, MemberFilterForm, MoveMemberForm
from .models import Membership, Organisation, with_member_counts
from .scope import (
    authority_refusal,
    coordinator_scope,
    full_phone_organisation_ids,
    get_visible_membership_or_404,
    get_visible_organisation_or_404,
    may_see_full_phone,
    people_under_authority,
    scope_roots,
)

PAGE_SIZE = 50


def coordinator_required(view):
    """Signed-in coordinators only; the view gets the user's visible organisations."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        visible = coordinator_scope(request.user)
        if visible is None:
            raise PermissionDenied(
                _(
                    "The coordinator area is for coordinators of an organisation. If you "
                    "coordinate one, ask the coordinator above you to give you that role."
                )
            )
        return view(request, visible, *args, **kwargs)

    return wrapper


def _with_parent_name(organisations):
    parent = Organisation.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organisation.steplen)
    ).values("name")[:1]
    return organisations.annotate(parent_name=Subquery(parent))


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@coordinator_required
def tree(request, visible):
    """The coordinator's top organisations, or organisations found by name, with counts."""
    query = request.GET.get("q", "").strip()[:60]
    if query:
        organisations = _with_parent_name(visible.filter(name__icontains=query))
    else:
        organisations = scope_roots(visible)
    page_obj = _page(request, with_member_counts(organisations).order_by("path"))
    return render(
        request,
        "organisations/manage/tree.html",
        {"page_obj": page_obj, "query": query, "searching": bool(query)},
    )


def _breadcrumbs(organisation, visible):
    """The visible ancestors of an organisation, top first (one query)."""
    step = Organisation.steplen
    prefixes = [organisation.path[:end] for end in range(step, len(organisation.path), step)]
    return list(visible.filter(path__in=prefixes).order_by("path")) if prefixes else []


@coordinator_required
def organisation_detail(request, visible, pk):
    """One organisation within the scope and its children, one level at a time."""
    organisation = get_visible_organisation_or_404(
        request.user, pk, visible=with_member_counts(visible)
    )
    children = with_member_counts(
        visible.filter(path__startswith=organisation.path, depth=organisation.depth + 1)
    ).order_by("path")
    return render(
        request,
        "organisations/manage/organisation.html",
        {
            "organisation": organisation,
            "breadcrumbs": _breadcrumbs(organisation, visible),
            "page_obj": _page(request, children),
        },
    )


def _phone_shown(viewer, membership, full_phone_ids):
    """Full only to the coordinators of the person's organisation, and only while they are in it."""
    person = membership.user
    full = membership.is_current and may_see_full_phone(
        viewer, person, membership.organisation_id, full_phone_ids
    )
    return person.phone if full else mask_phone(person.phone)


def _search(memberships, query):
    """Name, staff/student number, the full phone, or its last four digits (尾号)."""
    phone = normalise_phone(query) or ""
    if phone.isdigit() and len(phone) == 11:
        return memberships.filter(user__phone=phone)
    if query.isdigit() and len(query) == 4:
        return memberships.filter(Q(user__phone__endswith=query) | Q(number=query))
    return memberships.filter(Q(user__name__icontains=query) | Q(number=query))


def _one_row_per_person(memberships):
    """The first of each person's memberships in an organisation: a second role is not a row."""
    firsts = (
        memberships.order_by()
        .values("user_id", "organisation_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    return memberships.filter(pk__in=firsts)


def _attach_roles(page_obj, memberships):
    """Each row's roles in its organisation, for the people on this page (one query)."""
    rows = list(page_obj)
    if not rows:
        return
    together = defaultdict(list)
    for other in memberships.filter(
        user_id__in={row.user_id for row in rows},
        organisation_id__in={row.organisation_id for row in rows},
    ).order_by("pk"):
        together[other.user_id, other.organisation_id].append(other)
    for row in rows:
        row.roles_here = together[row.user_id, row.organisation_id] or [row]


@coordinator_required
def member_list(request, visible, pk):
    """Members of an organisation (and optionally its subtree): search, filters, 50 a page."""
    organisation = get_visible_organisation_or_404(request.user, pk, visible=visible)
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("subtree"):
        memberships = Membership.objects.filter(organisation__path__startswith=organisation.path)
    else:
        memberships = Membership.objects.filter(organisation=organisation)
    memberships = memberships.with_status(filters.get("status") or "current")
    if filters.get("role"):
        memberships = memberships.filter(role=filters["role"])
    if filters.get("q"):
        memberships = _search(memberships, filters["q"].strip())
    under_authority = people_under_authority(request.user, visible)
    rows = (
        _one_row_per_person(memberships)
        .select_related("user", "organisation")
        .annotate(may_manage=Exists(under_authority.filter(pk=OuterRef("user_id"))))
        .order_by("organisation__path", "user__name", "pk")
    )
    page_obj = _page(request, rows)
    _attach_roles(page_obj, memberships)
    full_phone_ids = full_phone_organisation_ids(request.user)
    for membership in page_obj:
        membership.phone_shown = _phone_shown(request.user, membership, full_phone_ids)
    return render(
        request,
        "organisations/manage/members.html",
        {
            "organisation": organisation,
            "breadcrumbs": _breadcrumbs(organisation, visible),
            "form": form,
            "page_obj": page_obj,
            "subtree": bool(filters.get("subtree")),
        },
    )


@coordinator_required
def add_member(request, visible, pk):
    """Add a person to an organisation; a new account's one-time password is shown once."""
    organisation = get_visible_organisation_or_404(request.user, pk, visible=visible)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership, password = services.add_member(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if password is None:
                messages.success(
                    request,
                    _("%(name)s already had an account: the new membership was added to it.")
                    % {"name": membership.user.name},
                )
                return redirect("organisations:manage_member", pk=membership.pk)
            return _one_time_password_page(request, membership, password, created=True)
    return render(
        request,
        "organisations/manage/add_member.html",
        {"organisation": organisation, "form": form},
    )


def _one_time_password_page(request, membership, password, *, created):
    """Rendered in the POST response and never stored: the password is shown exactly once."""
    return render(
        request,
        "organisations/manage/one_time_password.html",
        {"membership": membership, "password": password, "created": created},
    )


@coordinator_required
def member_detail(request, visible, pk):
    """A membership, the person's history within the scope, and the actions on it.

    The actions are offered only to a coordinator with authority over the person; others see
    why not (organisations.scope.authority_refusal).
    """
    membership = get_visible_membership_or_404(request.user, pk, visible=visible)
    person = membership.user
    history = (
        Membership.objects.filter(user=person, organisation__in=visible)
        .select_related("organisation")
        .order_by("-started_at", "-pk")
    )
    refusal = authority_refusal(request.user, person, visible)
    claim = services.pending_phone_claim(person) if refusal is None else None
    return render(
        request,
        "organisations/manage/member.html",
        {
            "membership": membership,
            "person": person,
            "phone_shown": _phone_shown(
                request.user, membership, full_phone_organisation_ids(request.user)
            ),
            "history": history,
            "role_form": ChangeRoleForm(initial={"role": membership.role}),
            "may_manage_person": refusal is None,
            "authority_refusal": refusal,
            "phone_claim": claim and {"phone": mask_phone(claim[0]), "holder": claim[1]},
        },
    )


@coordinator_required
def change_role(request, visible, pk):
    """Give a member another role here; the old membership ends, the history keeps it."""
    membership = get_visible_membership_or_404(request.user, pk, visible=visible)
    account_actions.ChangeRole(request.user, membership, None).check()
    form = ChangeRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            new = account_actions.ChangeRole(
                request.user, membership, form.cleaned_data["role"]
            ).execute()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": new.user.name, "role": new.get_role_display()},
            )
            return redirect("organisations:manage_member", pk=new.pk)
    return render(
        request,
        "organisations/manage/change_role.html",
        {"membership": membership, "form": form},
    )


@coordinator_required
def move_member(request, visible, pk):
    """Move a member to another organisation in scope: search for it, then choose it."""
    membership = get_visible_membership_or_404(request.user, pk, visible=visible)
    account_actions.Move(request.user, membership, None).check()
    form = MoveMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = get_visible_organisation_or_404(
            request.user, form.cleaned_data["organisation"], visible=visible
        )
        try:
            new = account_actions.Move(request.user, membership, target).execute()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s moved to %(organisation)s.")
                % {"name": new.user.name, "organisation": target.name},
            )
            return redirect("organisations:manage_member", pk=new.pk)
    query = request.GET.get("q", "").strip()[:60]
    candidates = []
    if query:
        candidates = list(
            _with_parent_name(visible.filter(name__icontains=query, is_active=True))
            .exclude(pk=membership.organisation_id)
            .order_by("path")[:20]
        )
    return render(
        request,
        "organisations/manage/move_member.html",
        {"membership": membership, "form": form, "query": query, "candidates": candidates},
    )


@require_POST
@coordinator_required
def end_membership(request, visible, pk):
    """The member leaves this organisation; the membership stays in the history."""
    membership = get_visible_membership_or_404(request.user, pk, visible=visible)
    account_actions.EndMembership(request.user, membership).execute()
    messages.success(
        request,
        _("%(name)s has left %(organisation)s.")
        % {"name": membership.user.name, "organisation": membership.organisation.name},
    )
    return redirect("organisations:manage_member", pk=membership.pk)


@require_POST
@coordinator_required
def deactivate_person(request, visible, pk):
    """Close the person's account; they are signed out on their next request."""
    membership = get_visible_membership_or_404(request.user, pk, visible=visible)
    if request.POST.get("reactivate"):
        account_actions.Reactivate(request.user, membership).execute()
        messages.success(request, _("The account is open again."))
    else:
        account_actions.Deactivate(request.user, membership).execute()
        messages.success(request, _("The account is closed: the person can no longer sign in."))
    return redirect("organisations:manage_member", pk=membership.pk)


@require_POST
@coordinator_required
def reset_password(request, visible, pk):
    """Set a one-time password, shown once in this response; the person must change it."""
    membership = get_visible_membership_or_404(request.user, pk, visible=visible)
    password = account_actions.ResetPassword(request.user, membership).execute()
    return _one_time_password_page(request, membership, password, created=False)


@require_POST
@coordinator_required
def move_proven_phone(request, visible, pk):
    """Give the person the phone they proved by SMS, taking it from the account that held it.

    Only a coordinator with authority over both people may (services.transfer_phone decides).
    """
    membership = get_visible_membership_or_404(request.user, pk, visible=visible)
    claim = services.pending_phone_claim(membership.user)
    if claim is None:
        messages.error(request, _("There is no proven phone number to move to this person."))
        return redirect("organisations:manage_member", pk=membership.pk)
    _phone, holder = claim
    try:
        services.transfer_phone(request.user, holder, membership.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The phone number now belongs to this person's account."))
    return redirect("organisations:manage_member", pk=membership.pk)
