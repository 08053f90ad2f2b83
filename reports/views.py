from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from organisations.models import Membership, Organisation
from organisations.place_types import PLACE_TYPES
from organisations.scope import is_coordinator

from . import exports
from .charts import line_points, weekly_completions
from .rollup import STATUSES, people, rollup, totals
from .selection import read_selection

STATUS_LABELS = {
    "completed": _("Completed"),
    "expiring": _("Expiring soon"),
    "in_progress": _("In progress"),
    "not_started": _("Not started"),
    "overdue": _("Overdue"),
}
PEOPLE_PER_PAGE = 50


def _coordinator_only(request):
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Reports are for coordinators."))


def _context(selection):
    return {
        "selection": selection,
        "statuses": [(status, STATUS_LABELS[status]) for status in STATUSES],
        "roles": Membership.Role.choices,
        "kinds": Organisation.Kind.choices,
        "sectors": Organisation.Sector.choices,
        "place_types": PLACE_TYPES,
        "status_labels": STATUS_LABELS,
    }


@login_required
def report(request):
    """The roll-up: one row per child organisation, drilling down to people at a leaf."""
    _coordinator_only(request)
    selection = read_selection(request)
    context = _context(selection)
    requirement = selection.requirement
    if requirement is not None:
        rows = rollup(
            requirement,
            selection.visible,
            selection.organisation,
            selection.filters,
            selection.as_of,
        )
        if selection.organisation is not None and not rows:
            return people_list(request, selection=selection)
        series = weekly_completions(
            requirement,
            selection.visible,
            selection.organisation,
            selection.filters,
            selection.as_of,
        )
        context.update(
            rows=rows,
            total=totals(rows),
            series=series,
            line_points=line_points(series),
            ancestors=_breadcrumbs(selection),
        )
    return render(request, "reports/report.html", context)


def _breadcrumbs(selection):
    if selection.organisation is None:
        return []
    ancestors = selection.visible.filter(
        path__in=[
            selection.organisation.path[:end]
            for end in range(
                Organisation.steplen, len(selection.organisation.path), Organisation.steplen
            )
        ]
    ).order_by("depth")
    return [*ancestors, selection.organisation]


@login_required
def people_list(request, selection=None):
    """Everyone concerned at and below one organisation, with status and certificate."""
    _coordinator_only(request)
    selection = selection or read_selection(request)
    if selection.requirement is None or selection.organisation is None:
        return render(request, "reports/report.html", _context(selection))
    rows = list(
        people(
            selection.requirement,
            selection.visible,
            selection.organisation,
            selection.filters,
            selection.as_of,
        )
    )
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = _context(selection)
    context.update(page_obj=page, ancestors=_breadcrumbs(selection), people_count=len(rows))
    return render(request, "reports/people.html", context)


@login_required
def export(request, what, file_format):
    """The table or the people list exactly as on screen, as Excel or CSV."""
    _coordinator_only(request)
    selection = read_selection(request)
    if selection.requirement is None:
        raise PermissionDenied(_("Choose a requirement first."))
    return exports.export_response(selection, what, file_format, request.user)
