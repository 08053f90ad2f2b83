"""Old Excel files (.xls, Excel 97–2003 and WPS's "Excel 97-2003 工作簿"), read with xlrd.

xlrd has no limits of its own. What it keeps in memory grows with what the file declares, not
only with its size: a few hundred kilobytes of cell records, each in a different row and in
column IV, make it pad 65,536 rows to 256 cells each (ragged_rows does not help: a row is
padded up to its last cell). So the workbook stream is walked here first, record by record
(four bytes of header each, at the offsets xlrd will read), and refused when the first sheet
has a cell beyond the row or column limits, too many cells, or the file declares more shared
texts than a sheet within the limits can use. Only then does xlrd parse it, with on_demand
(other sheets are never parsed), ragged_rows and without formatting (blank cells are skipped).

Only BIFF5 and BIFF8 in an OLE compound file are read: that is what Excel 95 to 2003 and WPS
write. Older files, and "xls" files that are really web pages or text, are told to be saved
as .xlsx.
"""

import io
import struct

import xlrd
from xlrd import compdoc

from django.utils.translation import gettext as _

from . import reading

BOF_CODES = (0x0809,)
EOF = 0x000A
FILEPASS = 0x002F
SST = 0x00FC
BOUNDSHEET = 0x0085
WORKSHEET = 0x00
# Records that put one cell (row, column first), and MULRK, which puts a run of them.
CELL_RECORDS = (0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0205, 0x0006, 0x0206, 0x0406)
MULRK = 0x00BD
BIFF_VERSIONS = (0x0500, 0x0600)


def _not_xls():
    return reading.SheetRefused(
        _(
            "This file is not a real .xls file (it may be a web page or text saved as .xls). "
            "Open it in Excel or WPS and save it as .xlsx (文件 → 另存为 → Excel 工作簿)."
        )
    )


def rows(data, limits, *, not_a_workbook=None):
    """The non-empty rows of the first worksheet as (row number, values), within the limits.

    `not_a_workbook` is the refusal for a compound file that holds no workbook (for a file
    named .xlsx: a password-protected one); by default, "not a real .xls file".
    """
    if not data.startswith(reading.CFB_SIGNATURE):
        raise _not_xls()
    quiet = io.StringIO()
    try:
        stream, base, size = _workbook_stream(data, quiet, not_a_workbook or _not_xls())
        _check_records(stream, base, size, limits)
        book = xlrd.open_workbook(
            file_contents=data,
            logfile=quiet,
            on_demand=True,
            ragged_rows=True,
            formatting_info=False,
        )
    except reading.SheetRefused:
        raise
    except xlrd.XLRDError as error:
        if "encrypted" in str(error).lower():
            raise reading.refuse_protected() from error
        raise _not_xls() from error
    # xlrd raises many kinds (struct.error, IndexError, AssertionError) on a damaged file.
    except Exception as error:
        raise _not_xls() from error
    try:
        if not book.nsheets:
            raise _not_xls()
        return _sheet_rows(book.sheet_by_index(0))
    except reading.SheetRefused:
        raise
    except Exception as error:
        raise _not_xls() from error
    finally:
        book.release_resources()


def _workbook_stream(data, log, refusal):
    """(bytes, start, length) of the Workbook stream, as xlrd will find it."""
    try:
        document = compdoc.CompDoc(data, logfile=log)
        for name in ("Workbook", "Book"):
            stream, base, size = document.locate_named_stream(name)
            if stream:
                return stream, base, size
    except Exception as error:
        raise refusal from error
    raise refusal


def _records(stream, position, end):
    """(code, data, position after it) of each record from position, as xlrd reads them."""
    while position + 4 <= end:
        code, length = struct.unpack_from("<HH", stream, position)
        start = position + 4
        position = start + length
        yield code, stream[start : min(position, end)], position


def _check_records(stream, base, size, limits):
    end = base + size
    records = _records(stream, base, end)
    first = next(records, None)
    if first is None or first[0] not in BOF_CODES or len(first[1]) < 4:
        raise _not_xls()
    version, kind = struct.unpack_from("<HH", first[1])
    if version not in BIFF_VERSIONS or kind != 0x0005:
        raise _not_xls()
    sheet_at = None
    for code, body, _position in records:
        if code == EOF:
            break
        if code == FILEPASS:
            raise reading.refuse_protected()
        if code == SST and len(body) >= 8:
            (texts,) = struct.unpack_from("<i", body, 4)
            if texts > limits.cells // 2:
                raise reading.refuse_texts(limits)
        if code == BOUNDSHEET and len(body) >= 6 and sheet_at is None:
            offset, _visibility, kind = struct.unpack_from("<iBB", body)
            if kind == WORKSHEET:
                sheet_at = base + offset
    if sheet_at is None or not base <= sheet_at < end:
        raise _not_xls()
    _check_sheet(stream, sheet_at, end, limits)


def _check_sheet(stream, position, end, limits):
    """Bound the first sheet's cells, walking its records exactly as xlrd's Sheet.read does."""
    rows_seen = set()
    cells = 0
    records = _records(stream, position, end)
    next(records, None)  # the sheet's own BOF
    for code, body, _position in records:
        if code == EOF:
            return
        if code in (0x0809, 0x0409, 0x0209, 0x0009):
            # An embedded chart: xlrd skips to the next EOF without reading cells.
            for inner, _body, _at in records:
                if inner == EOF:
                    break
            continue
        if code in CELL_RECORDS and len(body) >= 4:
            row, first_column = struct.unpack_from("<HH", body)
            last_column = first_column
            cells += 1
        elif code == MULRK and len(body) >= 6:
            row, first_column = struct.unpack_from("<HH", body)
            (last_column,) = struct.unpack_from("<H", body, len(body) - 2)
            cells += max(1, last_column - first_column + 1)
        else:
            continue
        if last_column >= limits.columns:
            raise reading.refuse_columns(limits, reading.column_letters(last_column + 1))
        if row >= limits.rows * reading.EMPTY_ROWS_FACTOR:
            raise reading.refuse_empty_rows(limits)
        rows_seen.add(row)
        # The header row comes on top of the data rows.
        if len(rows_seen) > limits.rows + 1:
            raise reading.refuse_rows(limits)
        if cells > limits.cells:
            raise reading.refuse_cells(limits)


def _sheet_rows(sheet):
    result = []
    for index in range(sheet.nrows):
        values = tuple(_value(cell.ctype, cell.value) for cell in sheet.row(index))
        filled = [position for position, value in enumerate(values) if not reading.is_empty(value)]
        if filled:
            result.append((index + 1, values[: filled[-1] + 1]))
    return result


def _value(kind, value):
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        # Numbers are floats in .xls; whole ones as int, as the .xlsx reader gives them.
        return int(value) if float(value).is_integer() else value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    return value
