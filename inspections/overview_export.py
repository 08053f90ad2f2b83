"""The overview as an Excel workbook: the page's three tables, with the page's columns only.

Written through spreadsheets.writing (data, never formulas). The table is one row per
organisation shown, so it is small whatever the district's size and is written in the request;
the reports send only their long people lists to the task worker.
"""

import itertools

from django.utils import timezone
from django.utils.translation import gettext as _

from spreadsheets import writing

from . import overview as figures


def _header_lines(overview, user):
    scope = (
        overview.organisation.full_name()
        if overview.organisation is not None
        else _("All organisations in your scope")
    )
    return [
        [_("Scope"), scope],
        [_("As of"), overview.moments.today.isoformat()],
        [
            _("Exported"),
            timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            user.get_full_name() or user.get_username(),
        ],
        [],
    ]


def table_rows(overview):
    rows = figures.rows(overview)
    yield [str(column) for column in figures.COLUMNS]
    for row in [*rows, figures.totals(rows)]:
        yield figures.table_values(row)


def week_rows(overview):
    yield [_("Week starting"), _("Open hazards at the end of the week")]
    for monday, count in figures.open_hazards_by_week(overview):
        yield [monday, count]


def failed_point_rows(overview):
    yield [_("Check point"), _("Times failed"), _("Units")]  # in the last MOST_FAILED_DAYS
    for point in figures.most_failed_points(overview):
        yield [point.item, point.failures, point.units]


def filename():
    return f"inspections-overview-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def overview_workbook_response(overview, user):
    header = _header_lines(overview, user)
    return writing.xlsx_response(
        filename(),
        [
            (_("Self-inspection"), itertools.chain(header, table_rows(overview))),
            (_("Open hazards by week"), week_rows(overview)),
            (_("Most failed check points"), failed_point_rows(overview)),
        ],
    )
