"""A person's own memberships: leaving one that a coordinator added by mistake."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import services
from .models import Membership


@login_required
def leave_membership(request, pk):
    """Confirm, then end one of my own current memberships (anyone else's is a 404)."""
    membership = get_object_or_404(
        Membership.objects.current().select_related("organisation"), pk=pk, user=request.user
    )
    if request.method == "POST":
        services.leave_membership(membership)
        messages.success(
            request,
            _("You have left %(organisation)s.") % {"organisation": membership.organisation.name},
        )
        return redirect("accounts_my_data:overview")
    return render(request, "organisations/leave_membership.html", {"membership": membership})
