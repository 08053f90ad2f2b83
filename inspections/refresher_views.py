"""Pages of targeted refresher training: a signed round's failed lessons, a district's most failed.

Whoever may not see the round gets a 404, and so does a visitor who does not lead its unit; the
district page is for the district's coordinators (403 for others). Services decide and write.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import refresher, services
from .refresher_forms import DistrictRefresherForm, PlaceTypeForm, RoundRefresherForm
from .views import _apply


def _led_signed_round_or_404(user, pk):
    round_ = get_object_or_404(services.visible_rounds(user).select_related("unit"), pk=pk)
    if not round_.is_signed or not services.leads(user, round_.unit):
        raise Http404
    return round_


def _assigned_message(request, created):
    messages.success(
        request,
        ngettext("%(count)s lesson assigned.", "%(count)s lessons assigned.", len(created))
        % {"count": len(created)}
        if created
        else _("Everyone chosen already has these lessons open: nothing new was assigned."),
    )


@login_required
def round_refresher(request, pk):
    """针对性培训 after a round: its failed points' lessons to chosen members or the whole unit."""
    round_ = _led_signed_round_or_404(request.user, pk)
    offered = refresher.round_lessons(round_)
    members = services.unit_members(round_.unit)
    form = RoundRefresherForm(
        request.POST if request.method == "POST" else None, offered=offered, members=members
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = refresher.assign_from_round(
                    request.user,
                    round_,
                    lesson_ids=form.cleaned_data["lessons"],
                    members=list(form.cleaned_data["members"]),
                    everyone=form.cleaned_data["everyone"],
                    due_date=form.cleaned_data["due_date"],
                )
            except ValidationError as error:
                _apply(form, error)
            else:
                _assigned_message(request, created)
                return redirect("inspections:refresher", round_.pk)
        status = 400
    context = {"round": round_, "offered": offered, "form": form}
    return render(request, "inspections/refresher.html", context, status=status)


@login_required
def district_refresher(request):
    """A district's most failed check points by place type, their lessons to all such units."""
    district = refresher.coordinated_districts(request.user).first()
    if district is None:
        raise PermissionDenied(_("This page is for the district's coordinators."))
    source = request.POST if request.method == "POST" else request.GET
    chooser = PlaceTypeForm(source if "place_type" in source else None)
    place_type = chooser.cleaned_data["place_type"] if chooser.is_valid() else ""
    offered = (
        refresher.most_failed_lessons(request.user, district, place_type) if place_type else []
    )
    form = DistrictRefresherForm(
        request.POST if request.method == "POST" else None,
        offered=offered,
        initial={"place_type": place_type},
    )
    status = 200
    if request.method == "POST":
        if place_type and form.is_valid():
            try:
                created = refresher.assign_in_district(
                    request.user,
                    district,
                    place_type=place_type,
                    lesson_ids=form.cleaned_data["lessons"],
                    due_date=form.cleaned_data["due_date"],
                )
            except ValidationError as error:
                _apply(form, error)
            else:
                _assigned_message(request, created)
                return redirect(f"{request.path}?{urlencode({'place_type': place_type})}")
        status = 400
    units = (
        refresher.units_of_place_type(request.user, district, place_type).count()
        if place_type
        else 0
    )
    context = {
        "district": district,
        "chooser": chooser,
        "place_type": place_type,
        "offered": offered,
        "form": form,
        "units": units,
        "days": refresher.MOST_FAILED_DAYS,
    }
    return render(request, "inspections/refresher_district.html", context, status=status)
