"""Exports of the roll-up table and the people list: Excel and CSV (UTF-8 with BOM).

Rows are produced one at a time from the database cursor and written straight out (CSV
streams; Excel uses openpyxl's write-only mode into a temporary file), so memory does not grow
with the number of rows.
"""

import csv
import tempfile

from openpyxl import Workbook

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.validators import mask_phone

from .rollup import people, rollup, totals

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 1000


def _header_lines(selection, user):
    scope = (
        selection.organisation.full_name()
        if selection.organisation is not None
        else _("All organisations in your scope")
    )
    requirement = selection.requirement
    moment = selection.as_of.isoformat() if selection.as_of else _("today")
    return [
        [_("Scope"), scope],
        [
            _("Training requirement"),
            f"{requirement.course.title} · {requirement.organisation.name}",
        ],
        [_("As of"), moment],
        [
            _("Exported"),
            timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            user.get_full_name() or user.get_username(),
        ],
        [],
    ]


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
    from .views import STATUS_LABELS

    yield [
        pgettext("person", "Name"),
        _("Login name"),
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
            person["name"],
            person["username"],
            mask_phone(person["phone"]),
            str(STATUS_LABELS[person["status"]]),
            _("yes") if person["overdue"] else "",
            f"{person['lessons_done']}/{person['lessons_total']}"
            if person["lessons_total"]
            else "",
            person["best_score"],
            timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
            person["certificate"] or "",
        ]


def _progress(person):
    if not person["lessons_total"]:
        return ""
    return f"{person['lessons_done']}/{person['lessons_total']}"


class _Echo:
    def write(self, value):
        return value


def export_filename(what, file_format):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"report-{what}-{stamp}.{file_format}"


def write_workbook(handle, selection, user, rows, progress=None):
    """Write the header and rows into `handle` as .xlsx; returns the number of data rows.

    openpyxl's write-only mode keeps one row in memory at a time; `progress(done)` is called
    every PROGRESS_EVERY rows for the waiting page of background exports.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Report"))
    for line in _header_lines(selection, user):
        sheet.append(line)
    done = -1  # the first row is the column headings
    for row in rows:
        sheet.append(row)
        done += 1
        if progress is not None and done and done % PROGRESS_EVERY == 0:
            progress(done)
    workbook.save(handle)
    return max(done, 0)


def export_response(selection, what, file_format, user):
    if what not in ("table", "people") or file_format not in ("csv", "xlsx"):
        raise Http404
    if what == "people" and selection.organisation is None:
        raise Http404
    rows = _table_rows(selection) if what == "table" else people_rows_for(selection)
    filename = export_filename(what, file_format)
    if file_format == "csv":
        header = _header_lines(selection, user)
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff"  # Excel opens UTF-8 Chinese correctly only with the BOM
            for line in header:
                yield writer.writerow(line)
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    else:
        # FileResponse closes the file once sent, so no context manager here.
        handle = tempfile.TemporaryFile()  # noqa: SIM115
        write_workbook(handle, selection, user, rows)
        handle.seek(0)
        response = FileResponse(handle, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
