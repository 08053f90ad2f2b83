from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from courses.progress import Status
from idempotency.submits import submit_once
from organisations import audit
from organisations.models import Membership, Organisation
from organisations.place_types import PLACE_TYPES
from organisations.scope import (
    get_visible_organisation_or_404,
    is_coordinator,
    visible_organisations,
)
from spreadsheets.writing import XLSX_CONTENT_TYPE

from . import exports
from .background import start_people_export
from .charts import line_dots, line_points, weekly_completions
from .models import Export
from .refresher_exports import refresher_export
from .refreshers import refresher_people, refresher_rollup, refresher_totals
from .rollup import STATUSES, PeopleList, rollup, top_organisations, totals
from .selection import Selection, read_selection, selection_for
from .services import MAX_RECIPIENTS, send_reminders

PEOPLE_PER_PAGE = 50


def _coordinator_only(request):
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Reports are for coordinators."))


def _context(selection):
    return {
        "selection": selection,
        "statuses": [(status, Status.LABELS[status]) for status in STATUSES],
        "roles": Membership.Role.choices,
        "kinds": Organisation.Kind.choices,
        "sectors": Organisation.Sector.choices,
        "place_types": PLACE_TYPES,
        "status_labels": Status.LABELS,
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
        for row in rows:  # drilling down keeps the filters and the date
            row.query = selection.query(organisation=row.organisation.pk)
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
            line_points=line_points(line_dots(series)),
            line_dots=line_dots(series),
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
    rows = _people_of(selection)
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = _context(selection)
    context.update(page_obj=page, ancestors=_breadcrumbs(selection), people_count=rows.count())
    return render(request, "reports/people.html", context)


def _people_of(selection):
    return PeopleList(
        selection.requirement,
        selection.visible,
        selection.organisation,
        selection.filters,
        selection.as_of,
    )


@login_required
def export(request, what, file_format):
    """The table or the people list exactly as on screen, as Excel or CSV."""
    _coordinator_only(request)
    selection = read_selection(request)
    if selection.requirement is None:
        raise PermissionDenied(_("Choose a requirement first."))
    if what == "people" and file_format == "xlsx" and selection.organisation is not None:
        count = _people_of(selection).count()
        if count > settings.REPORTS_BACKGROUND_EXPORT_ROWS:
            export = start_people_export(
                request.user, selection, exports.export_filename(what, file_format), count
            )
            return redirect("reports:export_status", export.pk)
    response = exports.export_response(selection, what, file_format, request.user)
    _record_export(request.user, selection, what, file_format)
    return response


def _record_export(user, selection, what, file_format, instance=None):
    """Audit an export: what, in which format, of which scope (the report's query)."""
    organisation = selection.organisation or audit.home_organisation(user)
    audit.record(
        user,
        "firesafety.export.download",
        instance=instance or selection.organisation or selection.requirement,
        organisation=organisation,
        data={
            "what": f"report.{what}",
            "format": file_format,
            "scope": selection.organisation.full_name() if selection.organisation else "",
            "requirement": str(selection.requirement or ""),
            "query": selection.query(),
        },
    )


@login_required
def export_status(request, pk):
    """The waiting page of a background export: progress, then the download link."""
    export = get_object_or_404(Export, pk=pk, user=request.user)
    return render(request, "reports/export_status.html", {"export": export})


@login_required
def export_download(request, pk):
    export = get_object_or_404(
        Export, pk=pk, user=request.user, status=Export.Status.DONE, file__gt=""
    )
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as gone:
        raise Http404 from gone
    try:
        # Re-read with today's scope, so that the entry says what the file covered.
        selection = selection_for(request.user, QueryDict(export.query))
    except Http404:
        selection = Selection(visible=None, requirements=[])
    _record_export(request.user, selection, export.what, "xlsx", instance=export)
    return FileResponse(
        handle, as_attachment=True, filename=export.filename, content_type=XLSX_CONTENT_TYPE
    )


@login_required
@submit_once("reports.reminders")
def reminders(request):
    """Overdue and expiring people in scope, with a button to remind them."""
    _coordinator_only(request)
    selection = read_selection(request)
    if selection.requirement is None or selection.organisation is None:
        return render(request, "reports/report.html", _context(selection))
    if selection.filters.status not in ("overdue", "expiring"):
        selection.filters.status = _first_tab_with_people(selection)
    rows = _people_of(selection)
    if request.method == "POST":
        if _needs_confirmation(request):
            count = rows.count()
            if count <= MAX_RECIPIENTS:
                context = _context(selection)
                context.update(
                    people_count=count,
                    ancestors=_breadcrumbs(selection),
                    status_label=_("Overdue")
                    if selection.filters.status == "overdue"
                    else _("Expiring within 30 days"),
                )
                return render(request, "reports/reminders_confirm.html", context)
        _remind(request, selection, rows)
        return redirect(f"{request.path}?{selection.query()}")
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = _context(selection)
    context.update(page_obj=page, ancestors=_breadcrumbs(selection), people_count=rows.count())
    return render(request, "reports/reminders.html", context)


def _first_tab_with_people(selection):
    """Overdue, unless nobody is and someone is expiring: never open on an empty tab."""
    selection.filters.status = "overdue"
    if _people_of(selection).count():
        return "overdue"
    selection.filters.status = "expiring"
    return "expiring" if _people_of(selection).count() else "overdue"


def _needs_confirmation(request):
    """ "Remind all N" asks first (a page of its own, so it works without JavaScript)."""
    return request.POST.get("everyone") == "1" and request.POST.get("confirmed") != "1"


def _remind(request, selection, rows):
    """Remind the ticked people (or everyone listed), within the limit and the list only."""
    if request.POST.get("everyone") == "1":
        # Counted in SQL first, so "everyone" in a whole district is refused unread.
        count = rows.count()
        chosen = _ids(rows) if count <= MAX_RECIPIENTS else None
    else:
        try:
            chosen = {int(value) for value in request.POST.getlist("person")}
        except ValueError as bad:
            raise Http404 from bad
        count = len(chosen)
        if count <= MAX_RECIPIENTS and not chosen <= _ids(rows):
            raise Http404
    if count > MAX_RECIPIENTS:
        messages.error(
            request,
            _(
                "%(count)s people is too many to remind at once (at most %(max)s). "
                "Narrow the filter, e.g. to one town or one kind of organisation."
            )
            % {"count": count, "max": MAX_RECIPIENTS},
        )
    elif not chosen:
        messages.warning(request, _("Choose at least one person to remind."))
    else:
        users = get_user_model().objects.filter(pk__in=chosen)
        reminded, skipped = send_reminders(
            request.user, selection.requirement, users, organisation=selection.organisation
        )
        messages.success(
            request,
            _("%(reminded)s reminded; %(skipped)s already reminded in the last 24 hours.")
            % {"reminded": reminded, "skipped": skipped},
        )


def _ids(rows):
    return {person["user_id"] for person in rows[:]}


def _refresher_scope(request):
    """(visible, organisation shown): the one asked for, else the only top one, else None."""
    _coordinator_only(request)
    visible = visible_organisations(request.user)
    if request.GET.get("organisation"):
        return visible, get_visible_organisation_or_404(
            request.user, request.GET["organisation"], visible
        )
    tops = list(top_organisations(visible)[:2])
    return visible, tops[0] if len(tops) == 1 else None


@login_required
def refreshers(request):
    """Targeted refresher training by organisation, drilling down to the assignments at a leaf."""
    visible, organisation = _refresher_scope(request)
    rows = refresher_rollup(visible, organisation)
    context = {
        "organisation": organisation,
        "rows": rows,
        "total": refresher_totals(rows),
        "ancestors": _refresher_breadcrumbs(visible, organisation),
    }
    if organisation is not None and not rows:
        assignments = refresher_people(visible, organisation)
        context["page_obj"] = Paginator(assignments, PEOPLE_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(request, "reports/refreshers.html", context)


@login_required
def refreshers_export(request, file_format):
    """The 针对性培训 page's table, or at a unit its assignments, as Excel or CSV."""
    visible, organisation = _refresher_scope(request)
    response, what = refresher_export(visible, organisation, file_format, request.user)
    audit.record(
        request.user,
        "firesafety.export.download",
        instance=organisation,
        organisation=organisation or audit.home_organisation(request.user),
        data={
            "what": f"report.{what}",
            "format": file_format,
            "scope": organisation.full_name() if organisation else "",
        },
    )
    return response


def _refresher_breadcrumbs(visible, organisation):
    if organisation is None:
        return []
    paths = [
        organisation.path[:end]
        for end in range(Organisation.steplen, len(organisation.path), Organisation.steplen)
    ]
    return [*visible.filter(path__in=paths).order_by("depth"), organisation]
