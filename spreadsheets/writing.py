"""Every CSV and Excel export is written here, so every export carries data and never code.

OWASP's rule for CSV injection: a cell that starts with = + - @, a tab or a carriage return is a
formula to Excel, LibreOffice and WPS, so it is written as text (a leading apostrophe in CSV, a
string cell in xlsx that is never parsed as a formula). Characters that an .xlsx cannot hold
(control characters other than tab, newline and carriage return) are removed rather than letting
openpyxl raise IllegalCharacterError half way through a file.

Rows are written as they come (CSV streams; xlsx uses openpyxl's write-only mode into a temporary
file), so memory does not grow with the number of rows.
"""

import contextlib
import csv
import datetime
import decimal
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What openpyxl refuses (its ILLEGAL_CHARACTERS_RE), plus DEL: C0 controls except \t \n \r.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Excel refuses these in sheet titles (openpyxl raises ValueError).
_TITLE_ILLEGAL = re.compile(r"[\\*?:/\[\]]")
NUMBER_TYPES = (int, float, decimal.Decimal)


def clean_text(value):
    """The text without the control characters a spreadsheet cannot hold."""
    return _ILLEGAL.sub("", str(value))


def is_formula_like(text):
    return text.startswith(FORMULA_PREFIXES)


def safe_value(value):
    """A value fit for a cell: numbers, dates and booleans as they are, everything else as text.

    Text that a spreadsheet would read as a formula keeps its characters but can never be
    evaluated: the CSV writer prefixes an apostrophe, the xlsx writer stores a plain string.
    """
    if value is None:
        return ""
    if isinstance(value, (bool, *NUMBER_TYPES)):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return value
    return clean_text(value)


def csv_cell(value):
    value = safe_value(value)
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


@dataclass(frozen=True)
class Layout:
    """How an xlsx sheet looks: column widths, bold rows (by index from 0), frozen panes."""

    widths: Sequence[float] = ()
    bold_rows: frozenset = field(default_factory=frozenset)
    freeze: str | None = None


BOLD = Font(bold=True)


def _xlsx_cell(sheet, value, bold=False):
    value = safe_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and is_formula_like(value):
        # openpyxl turns a string starting with "=" into a formula; the explicit string type
        # keeps it text (and Excel shows it as typed).
        cell.data_type = "s"
    if bold:
        cell.font = BOLD
    return cell


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Sequence]):
    """The CSV text, line by line, starting with the BOM Excel needs to read UTF-8 Chinese."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_response(filename, rows):
    """A streamed CSV download of rows (header lines included in rows)."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    return attachment(response, filename)


def write_xlsx(handle, sheets, progress=None, progress_every=1000):
    """Write sheets — (title, rows) or (title, rows, Layout) — as an .xlsx into handle.

    Returns the number of rows written; progress(done) is called every progress_every rows
    (background exports show it).
    """
    workbook = Workbook(write_only=True)
    done = 0
    try:
        for title, rows, *rest in sheets:
            layout = rest[0] if rest else Layout()
            title = _TITLE_ILLEGAL.sub("", clean_text(title))[:31] or "Sheet"
            sheet = workbook.create_sheet(title)
            for column, width in enumerate(layout.widths, start=1):
                sheet.column_dimensions[get_column_letter(column)].width = width
            if layout.freeze:
                sheet.freeze_panes = layout.freeze
            for index, row in enumerate(rows):
                bold = index in layout.bold_rows
                sheet.append([_xlsx_cell(sheet, value, bold) for value in row])
                done += 1
                if progress is not None and done % progress_every == 0:
                    progress(done)
        workbook.save(handle)
    except BaseException:
        _remove_spooled_sheets(workbook)
        raise
    return done


def _remove_spooled_sheets(workbook):
    """Delete the temporary files of a workbook that failed half way (a full disk, say).

    openpyxl's write-only sheets spool their rows to temporary files that it removes when the
    workbook is saved, or else only when the process exits: a long-lived worker would keep the
    half-written files of every failed export until it is restarted.
    """
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError, ValueError):
                writer.cleanup()


def xlsx_bytes(sheets):
    """The .xlsx file of sheets as bytes, for small workbooks that are kept or sent whole."""
    handle = io.BytesIO()
    write_xlsx(handle, sheets)
    return handle.getvalue()


def attachment(response, filename):
    """The response, marked as a download named filename."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename, sheets):
    """An .xlsx download of sheets — (title, rows) pairs — written through a temporary file."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write_xlsx(handle, sheets)
    handle.seek(0)
    return attachment(FileResponse(handle, content_type=XLSX_CONTENT_TYPE), filename)
