"""The coordinators' overview of self-inspection: the table, a unit's drill-down, the export.

Scope and refusals come from inspections.overview (organisations.scope underneath): anyone who
coordinates nothing gets 403, an organisation or unit outside the scope 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from editorial.charts import bar_chart
from organisations import audit

from . import overview as figures
from .models import Hazard, Round
from .overview_export import overview_workbook_response

ROUNDS_PER_PAGE = 30
OPEN_HAZARDS_SHOWN = 100
CLOSED_HAZARDS_SHOWN = 20


@login_required
def overview(request):
    """Per organisation below the one shown: last rounds, units behind, open hazards."""
    shown = figures.overview_for(request.user, request.GET.get("organisation"))
    if shown.organisation is not None and shown.organisation.kind in figures.INSPECTING_KINDS:
        return redirect("inspections:overview_unit", shown.organisation.pk)
    rows = figures.rows(shown)
    weeks = figures.open_hazards_by_week(shown)
    context = {
        "shown": shown,
        "columns": figures.COLUMNS,
        "rows": rows,
        "total": figures.totals(rows),
        "ancestors": figures.breadcrumbs(shown),
        "weeks": weeks,
        # A phone's width in SVG units, so the labels stay readable there (as the volunteers').
        "chart": bar_chart(weeks, width=360, height=180, pad=16),
        "failed_points": figures.most_failed_points(shown),
        "patrol_days": figures.PATROL_DAYS,
        "failed_days": figures.MOST_FAILED_DAYS,
    }
    return render(request, "inspections/overview.html", context)


@login_required
def overview_unit(request, unit_id):
    """One unit's rounds and hazards, for a coordinator whose scope holds it."""
    shown = figures.unit_overview_for(request.user, unit_id)
    unit = shown.organisation
    rounds = Round.objects.filter(unit=unit).order_by("-started_at", "-pk")
    open_hazards = (
        Hazard.objects.filter(unit=unit, state__in=figures.OPEN_STATES)
        .select_related("point", "responsible")
        .order_by("deadline", "pk")
    )
    context = {
        "shown": shown,
        "unit": unit,
        "row": figures.unit_row(shown, unit),
        "ancestors": figures.breadcrumbs(shown),
        "page_obj": Paginator(rounds, ROUNDS_PER_PAGE).get_page(request.GET.get("page")),
        "open_hazards": open_hazards[:OPEN_HAZARDS_SHOWN],
        "open_count": open_hazards.count(),
        "open_shown": OPEN_HAZARDS_SHOWN,
        "closed_hazards": Hazard.objects.filter(unit=unit, state=Hazard.State.CLOSED)
        .select_related("point")
        .order_by("-closed_at", "-pk")[:CLOSED_HAZARDS_SHOWN],
        "patrol_days": figures.PATROL_DAYS,
    }
    return render(request, "inspections/overview_unit.html", context)


@login_required
def overview_export(request):
    """The overview's tables as Excel, exactly as the page shows them."""
    shown = figures.overview_for(request.user, request.GET.get("organisation"))
    response = overview_workbook_response(shown, request.user)
    organisation = shown.organisation
    audit.record(
        request.user,
        "firesafety.export.download",
        instance=organisation,
        organisation=organisation or audit.home_organisation(request.user),
        data={
            "what": "inspections.overview",
            "format": "xlsx",
            "scope": organisation.full_name() if organisation else "",
        },
    )
    return response
