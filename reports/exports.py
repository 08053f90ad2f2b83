"""Exports of the roll-up table and the people list: Excel and CSV (UTF-8 with BOM).

Rows are produced one at a time from the database cursor and written straight out through
spreadsheets.writing, so memory does not grow with the number of rows. The people list shows
what its page shows: the name (or the login name where there is none, as on screen) and the
phone masked, never the login name, which for adults is the phone in full.
"""

import itertools

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.validators import mask_phone, name_for_lists
from courses.progress import Status
from spreadsheets import writing

from .rollup import people, rollup, totals

PROGRESS_EVERY = 1000


def scope_header_lines(organisation, user, details=()):
    """The lines above an export's table: its scope, any `details`, who exported it and when."""
    scope = (
        organisation.full_name()
        if organisation is not None
        else _("All organisations in your scope")
    )
    return [
        [_("Scope"), scope],
        *details,
        [
            _("Exported"),
            timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            user.get_full_name() or user.get_username(),
        ],
        [],
    ]


def _header_lines(selection, user):
    requirement = selection.requirement
    moment = selection.as_of.isoformat() if selection.as_of else _("today")
    details = [
        [
            _("Training requirement"),
            f"{requirement.course.title} · {requirement.organisation.name}",
        ],
        [_("As of"), moment],
    ]
    return scope_header_lines(selection.organisation, user, details)


def _table_rows(selection):
    yield [
        _("Organisation"),
        _("People required"),
        _("Completed and valid"),
        _("Expiring within 30 days"),
        pgettext("training status", "In progress"),
        pgettext("training status", "Not started"),
        _("Overdue"),
        _("Completion rate (%)"),
        _("Average best quiz score"),
    ]
    rows = rollup(
        selection.requirement,
        selection.visible,
        selection.organisation,
        selection.filters,
        selection.as_of,
    )
    for row in [*rows, totals(rows)]:
        name = row.organisation.name if row.organisation else _("Total")
        yield [
            name,
            row.required,
            row.completed,
            row.expiring,
            row.in_progress,
            row.not_started,
            row.overdue,
            row.rate,
            row.average_score,
        ]


def people_rows_for(selection):
    yield [
        pgettext("person", "Name"),
        _("Phone"),
        _("Status"),
        _("Overdue"),
        _("Lessons done"),
        _("Best quiz score"),
        _("Last activity"),
        _("Certificate"),
    ]
    for person in people(
        selection.requirement,
        selection.visible,
        selection.organisation,
        selection.filters,
        selection.as_of,
    ):
        last = person["last_activity"]
        yield [
            name_for_lists(person["name"], person["username"], person["phone"]),
            mask_phone(person["phone"]),
            str(Status.LABELS[person["status"]]),
            _("yes") if person["overdue"] else "",
            f"{person['lessons_done']}/{person['lessons_total']}"
            if person["lessons_total"]
            else "",
            person["best_score"],
            timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
            person["certificate"] or "",
        ]


def export_filename(what, file_format):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"report-{what}-{stamp}.{file_format}"


def write_workbook(handle, selection, user, rows, progress=None):
    """Write the header and rows into `handle` as .xlsx; returns the number of data rows.

    `progress(done)` is called every PROGRESS_EVERY rows for the waiting page of background
    exports.
    """
    header = _header_lines(selection, user)
    skipped = len(header) + 1  # the header lines and the column headings are not data rows

    def data_progress(done):
        if done > skipped:
            progress(done - skipped)

    written = writing.write_xlsx(
        handle,
        [(_("Report"), itertools.chain(header, rows))],
        progress=data_progress if progress is not None else None,
        progress_every=PROGRESS_EVERY,
    )
    return max(written - skipped, 0)


def export_response(selection, what, file_format, user):
    if what not in ("table", "people") or file_format not in ("csv", "xlsx"):
        raise Http404
    if what == "people" and selection.organisation is None:
        raise Http404
    rows = _table_rows(selection) if what == "table" else people_rows_for(selection)
    filename = export_filename(what, file_format)
    lines = itertools.chain(_header_lines(selection, user), rows)
    if file_format == "csv":
        return writing.csv_response(filename, lines)
    return writing.xlsx_response(filename, [(_("Report"), lines)])
