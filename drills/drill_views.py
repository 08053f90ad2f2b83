"""Pages of units' drills (演练): my units, a unit's drills, recording and correcting one, a
problem made a hazard, and the coordinators' overview with its export.

Views read and call drills.unit_drills and drills.drill_overview; whoever may not see a unit or a
drill gets a 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from config.photos import photo_response
from idempotency.submits import submit_once
from organisations import audit
from organisations.models import Organisation
from organisations.scope import is_coordinator

from . import drill_overview, unit_drills
from .drill_forms import DrillForm, ProblemHazardForm
from .models import DrillPhoto, DrillProblem, UnitDrill

DRILLS_PER_PAGE = 30


def _apply(form, error):
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _unit_or_404(units, unit_id):
    try:
        return units.get(pk=unit_id)
    except (ValueError, TypeError, Organisation.DoesNotExist) as missing:
        raise Http404 from missing


@login_required
def my_units(request):
    """The units whose drills I record, each with its status by the rule."""
    units = list(unit_drills.recording_units(request.user).order_by("path"))
    statuses = [drill_overview.unit_status(unit) for unit in units]
    context = {
        "statuses": statuses,
        "may_overview": is_coordinator(request.user),
    }
    return render(request, "drills/drill_units.html", context)


@login_required
def unit_page(request, unit_id):
    """One unit's drills, newest first, and its status; to its recorders and coordinators."""
    unit = _unit_or_404(unit_drills.viewable_units(request.user), unit_id)
    drills = (
        UnitDrill.objects.filter(unit=unit)
        .select_related("correction")
        .prefetch_related("problems")
        .order_by("-held_on", "-pk")
    )
    may_record = unit_drills.may_record(request.user, unit)
    back = reverse("drills:units")
    if not may_record:
        parent = unit.get_parent()
        back = reverse("drills:overview") + (f"?organisation={parent.pk}" if parent else "")
    context = {
        "unit": unit,
        "back_url": back,
        "status": drill_overview.unit_status(unit),
        "page_obj": Paginator(drills, DRILLS_PER_PAGE).get_page(request.GET.get("page")),
        "may_record": may_record,
    }
    return render(request, "drills/drill_unit.html", context)


def _drill_form_page(request, unit, form, corrects=None, status=200):
    context = {"unit": unit, "form": form, "corrects": corrects}
    return render(request, "drills/drill_form.html", context, status=status)


def _record(request, unit, form, corrects=None):
    try:
        data = form.cleaned_data
        drill = unit_drills.record_drill(
            request.user,
            unit,
            held_on=data["held_on"],
            kind=data["kind"],
            plan_version=data["plan_version"],
            participants=data["participants"],
            others_count=data["others_count"],
            evacuation_seconds=data["evacuation_seconds"],
            problems=data["problems"],
            photos=data["photos"],
            note=data["note"],
            corrects=corrects,
            reason=data.get("reason", ""),
        )
    except ValidationError as error:
        _apply(form, error)
        return None
    return drill


@login_required
@submit_once("drills.record")
def new_drill(request, unit_id):
    unit = _unit_or_404(unit_drills.recording_units(request.user), unit_id)
    members = unit_drills.unit_members(unit)
    if request.method != "POST":
        return _drill_form_page(request, unit, DrillForm(members=members))
    form = DrillForm(request.POST, request.FILES, members=members)
    if form.is_valid() and (drill := _record(request, unit, form)) is not None:
        messages.success(request, _("The drill is recorded."))
        return redirect(drill.get_absolute_url())
    return _drill_form_page(request, unit, form, status=400)


def _visible_drill_or_404(user, pk):
    return get_object_or_404(
        unit_drills.visible_drills(user).select_related("unit", "recorded_by", "corrects"), pk=pk
    )


@login_required
def drill_page(request, pk, hazard_forms=None, status=200):
    drill = _visible_drill_or_404(request.user, pk)
    hazard_forms = hazard_forms or {}
    may_record = unit_drills.may_record(request.user, drill.unit)
    corrected_by = UnitDrill.objects.filter(corrects=drill).first()
    members = unit_drills.unit_members(drill.unit) if may_record else None
    problems = []
    for problem in drill.problems.select_related("hazard"):
        form = None
        if may_record and problem.hazard_id is None:
            form = hazard_forms.get(problem.pk) or ProblemHazardForm(
                prefix=f"h{problem.pk}", members=members, initial={"responsible": request.user.pk}
            )
        problems.append({"problem": problem, "form": form})
    context = {
        "drill": drill,
        "unit": drill.unit,
        "participants": drill.participants.order_by("name", "pk"),
        "problems": problems,
        "photos": drill.photos.all(),
        "corrected_by": corrected_by,
        "may_correct": may_record and corrected_by is None,
    }
    return render(request, "drills/drill_detail.html", context, status=status)


@login_required
@submit_once("drills.correct")
def correct_drill(request, pk):
    """A correction: a new record of the drill, naming the one it corrects, with a reason."""
    drill = _visible_drill_or_404(request.user, pk)
    unit = drill.unit
    if not unit_drills.may_record(request.user, unit):
        raise Http404
    members = unit_drills.unit_members(unit)
    if request.method != "POST":
        initial = {
            "held_on": drill.held_on,
            "kind": drill.kind,
            "plan_version": drill.plan_version,
            "participants": list(drill.participants.values_list("pk", flat=True)),
            "others_count": drill.others_count,
            "evacuation_seconds": drill.evacuation_seconds,
            "problems": "\n".join(problem.text for problem in drill.problems.all()),
            "note": drill.note,
        }
        form = DrillForm(members=members, correction=True, initial=initial)
        return _drill_form_page(request, unit, form, corrects=drill)
    form = DrillForm(request.POST, request.FILES, members=members, correction=True)
    if form.is_valid() and (correction := _record(request, unit, form, corrects=drill)):
        messages.success(request, _("The correction is recorded; the earlier record is kept."))
        return redirect(correction.get_absolute_url())
    return _drill_form_page(request, unit, form, corrects=drill, status=400)


@login_required
@require_POST
def problem_hazard(request, pk):
    """A problem found in a drill becomes a hazard of the unit, to rectify."""
    problem = get_object_or_404(
        DrillProblem.objects.filter(
            drill__in=unit_drills.visible_drills(request.user)
        ).select_related("drill__unit"),
        pk=pk,
    )
    drill = problem.drill
    if not unit_drills.may_record(request.user, drill.unit):
        raise Http404
    form = ProblemHazardForm(
        request.POST, prefix=f"h{problem.pk}", members=unit_drills.unit_members(drill.unit)
    )
    if form.is_valid():
        try:
            hazard = unit_drills.problem_to_hazard(request.user, problem, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The problem is a hazard to rectify now."))
            return redirect("inspections:hazard", hazard.pk)
    return drill_page(request, drill.pk, hazard_forms={problem.pk: form}, status=400)


@login_required
@cache_control(private=True, max_age=3600)
def drill_photo(request, pk):
    photo = get_object_or_404(
        DrillPhoto.objects.filter(drill__in=unit_drills.visible_drills(request.user)), pk=pk
    )
    return photo_response(photo.photo, f"drill-{photo.drill_id}-{photo.pk}")


@login_required
def overview(request):
    """Per organisation of my scope: units, the last drill, units overdue by the rule."""
    shown = drill_overview.shown_for(request.user, request.GET.get("organisation"))
    rows, total = drill_overview.rows(shown)
    context = {
        "shown": shown,
        "columns": drill_overview.COLUMNS,
        "rows": rows,
        "total": total,
        "overdue_units": total.overdue_units[: drill_overview.OVERDUE_UNITS_SHOWN],
        "overdue_shown": drill_overview.OVERDUE_UNITS_SHOWN,
        "ancestors": drill_overview.breadcrumbs(shown),
        "unit_kinds": unit_drills.DRILLING_KINDS,
    }
    return render(request, "drills/drill_overview.html", context)


@login_required
def overview_export(request):
    shown = drill_overview.shown_for(request.user, request.GET.get("organisation"))
    response = drill_overview.workbook_response(shown, request.user)
    organisation = shown.organisation
    audit.record(
        request.user,
        "firesafety.export.download",
        instance=organisation,
        organisation=organisation or audit.home_organisation(request.user),
        data={
            "what": "drills.overview",
            "format": "xlsx",
            "scope": organisation.full_name() if organisation else "",
        },
    )
    return response
