"""A person's two-factor sign-in as a coordinator or administrator sees it, with the reset."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import two_factor as accounts_two_factor

from . import scope
from .two_factor import ResetTwoFactor


@login_required
@require_http_methods(["GET", "POST"])
def person_two_factor(request, pk):
    """Whether the person uses a second factor; reset it (POST) when the actor has authority."""
    actor = request.user
    if actor.is_superuser:
        people = get_user_model().objects.all()
    else:
        visible = scope.coordinator_scope(actor)
        if visible is None:
            raise PermissionDenied(
                _("The coordinator area is for coordinators of an organisation.")
            )
        people = scope.visible_people(actor, visible)
    person = get_object_or_404(people, pk=pk)
    if request.method == "POST":
        ResetTwoFactor(actor, person).execute()
        messages.success(
            request,
            _(
                "Two-factor sign-in of %(name)s was reset. At the next sign-in they set up "
                "their authenticator app again."
            )
            % {"name": person.get_short_name()},
        )
        return redirect("organisations:manage_person_two_factor", person.pk)
    context = {
        "person": person,
        "enabled": accounts_two_factor.has_two_factor(person),
        "must_use": accounts_two_factor.must_use_two_factor(person),
        "refusal": scope.authority_refusal(actor, person),
    }
    return render(request, "organisations/manage/two_factor.html", context)
