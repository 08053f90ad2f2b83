"""The reports' page of hands-on training and drills (/reports/drills/) and its Excel export.

Coordinators only (403 otherwise); an organisation outside the scope is 404.
"""

import itertools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.charts import bar_chart
from organisations import audit
from organisations.models import Organisation
from organisations.scope import (
    get_visible_organisation_or_404,
    is_coordinator,
    visible_organisations,
)
from spreadsheets import writing

from . import drills as figures
from .rollup import top_organisations


def _shown(request):
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Reports are for coordinators."))
    visible = visible_organisations(request.user)
    organisation = None
    if request.GET.get("organisation"):
        organisation = get_visible_organisation_or_404(
            request.user, request.GET["organisation"], visible
        )
    else:
        tops = list(top_organisations(visible)[:2])
        if len(tops) == 1:
            organisation = tops[0]
    return visible, organisation


def _breadcrumbs(visible, organisation):
    if organisation is None:
        return []
    step = Organisation.steplen
    paths = [organisation.path[:end] for end in range(step, len(organisation.path), step)]
    return [*visible.filter(path__in=paths).order_by("depth"), organisation]


@login_required
def drills(request):
    """Sessions held, people trained, no-shows and units overdue on drills, by organisation."""
    visible, organisation = _shown(request)
    rows = figures.drills_rollup(visible, organisation)
    months = figures.sessions_by_month(visible, organisation)
    context = {
        "organisation": organisation,
        "rows": rows,
        "total": figures.drills_totals(rows),
        "ancestors": _breadcrumbs(visible, organisation),
        "months": months,
        "chart": bar_chart(months, width=360, height=180, pad=16),
        "skill_signoffs": figures.skill_signoffs(visible, organisation)["skills"],
    }
    return render(request, "reports/drills.html", context)


@login_required
def drills_export(request):
    visible, organisation = _shown(request)
    rows = figures.drills_rollup(visible, organisation)
    scope = organisation.full_name() if organisation else _("All organisations in your scope")
    header = [
        [_("Scope"), scope],
        [
            _("Exported"),
            timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            request.user.get_full_name() or request.user.get_username(),
        ],
        [],
        [str(column) for column in figures.COLUMNS],
    ]
    table = [figures.table_values(row) for row in [*rows, figures.drills_totals(rows)]]
    months = [[_("Month"), _("Sessions held")]] + [
        [month.strftime("%Y-%m"), count]
        for month, count in figures.sessions_by_month(visible, organisation)
    ]
    audit.record(
        request.user,
        "firesafety.export.download",
        instance=organisation,
        organisation=organisation or audit.home_organisation(request.user),
        data={"what": "reports.drills", "format": "xlsx", "scope": scope},
    )
    return writing.xlsx_response(
        f"drills-report-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        [
            (_("Training and drills"), itertools.chain(header, table)),
            (_("Sessions by month"), months),
            (
                _("Skills sign-off"),
                figures.skill_signoff_lines(figures.skill_signoffs(visible, organisation)),
            ),
        ],
    )
