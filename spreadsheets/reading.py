"""Every uploaded sheet (member import, question import) is read here, within limits.

An .xlsx is a zip of XML parts, and what it declares about itself cannot be trusted: a 5 KB file
can claim the dimension A1:XFD1048576, a 200 KB part can unpack to gigabytes of shared strings,
and one row can hold millions of empty cells. So, in this order:

1. the file size, the number of zip members and their declared unpacked sizes (in total, for the
   shared strings and for every other XML part) are checked on the zip directory; zipfile never
   unpacks more than a member declares, so these sizes bound everything read later;
2. the shared strings, the sheet's rows, cells and tags are counted in the raw XML (bytes.count
   over chunks, at C speed), so millions of empty rows or cells are refused in milliseconds;
3. the first sheet is parsed once, streaming (lxml's iterparse hands Python one cell at a time
   and frees it), ignoring the declared dimension and stopping at the first row, column or cell
   over a limit; only the shared strings the sheet uses are kept.

Old .xls files go to spreadsheets/xls.py (xlrd, bounded there the same way); WPS's own .et
files are answered with how to save them as .xlsx.

openpyxl is not used to read: with defusedxml installed (Wagtail's Willow needs it) its worksheet
parser is the pure-Python ElementTree one, and load_workbook(read_only=True) parses every sheet
to its end when the sheet has no <dimension>: a 2,000 × 1,000 sheet took minutes there.
Numbers stay numbers (dates as Excel serial numbers: neither import reads dates).

CSV files are checked for size, line length, number of lines, rows and columns as they are read.
The limits are settings (IMPORT_LIMITS, QUESTION_IMPORT_LIMITS) documented in the README.
"""

import csv
import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

from django.conf import settings
from django.utils.translation import gettext as _

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected file
ZIP_SIGNATURE = b"PK\x03\x04"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROW_TAG, CELL_TAG, VALUE_TAG = f"{{{MAIN_NS}}}row", f"{{{MAIN_NS}}}c", f"{{{MAIN_NS}}}v"
SI_TAG, T_TAG, RPH_TAG = f"{{{MAIN_NS}}}si", f"{{{MAIN_NS}}}t", f"{{{MAIN_NS}}}rPh"
INLINE_TAG = f"{{{MAIN_NS}}}is"
# How elements start in the raw XML, with the default namespace or a prefix (x:row).
# In the raw XML, "<c" also finds <col> and <cfRule>, which are few: counts are upper bounds.
# Elements written with a prefix (x:row) escape the raw counts; the parse still bounds them.
SHARED_STRING_STARTS = (b"<si>", b"<si ", b"<si/>", b":si>", b":si ", b":si/>")
# No part of an .xlsx declares a DTD; one that does is an entity bomb or worse.
DTD_STARTS = (b"<!DOCTYPE", b"<!ENTITY")
# Tags a sheet may hold besides its rows and cells (merged cells, links, formats): parsing keeps
# those in memory, so a sheet of millions of them is refused.
OTHER_TAGS = 100_000
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# Excel and WPS sometimes write empty, formatted cells past the data; beyond this many cell
# elements in one row (filled or not) the row is refused, which bounds what one row costs.
CELLS_PER_ROW = 1024
# Empty rows are cheap but not free: more row elements than rows × this factor are refused.
EMPTY_ROWS_FACTOR = 3
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What an uploaded sheet may hold (settings.IMPORT_LIMITS explains each; see the README)."""

    file_bytes: int
    uncompressed_bytes: int
    shared_strings_bytes: int
    xml_part_bytes: int
    zip_members: int
    rows: int
    columns: int
    line_chars: int

    @classmethod
    def from_settings(cls, name="IMPORT_LIMITS"):
        return cls(**getattr(settings, name))

    @property
    def cells(self):
        """Cell elements a whole sheet may hold: a full sheet, twice, for formatted empties."""
        return (self.rows + 1) * self.columns * 2


class SheetRefused(Exception):
    """The file is not a sheet we read, or is over a limit; the message says which, for people."""


def megabytes(size):
    return f"{size / (1024 * 1024):g}"


def refuse_size(limits):
    return SheetRefused(
        _("The file is larger than %(megabytes)s MB. Split it into smaller files.")
        % {"megabytes": megabytes(limits.file_bytes)}
    )


def refuse_rows(limits):
    return SheetRefused(
        _("The file has more than %(rows)s rows. Split it into smaller files.")
        % {"rows": f"{limits.rows:,}"}
    )


def refuse_columns(limits, column):
    return SheetRefused(
        _(
            "The sheet has data in column %(column)s; at most %(columns)s columns are read. "
            "Keep only the template's columns."
        )
        % {"column": column, "columns": limits.columns}
    )


def _not_excel():
    return SheetRefused(_("This file is not a real Excel file (.xlsx)."))


def read_rows(filename, data, limits, *, csv_allowed=True):
    """The non-empty rows of the file's first sheet as (row number, values), within the limits.

    Values are what the cells hold (text, numbers, dates, booleans; None when empty); CSV
    values are text. Raises SheetRefused with a message for the person who uploaded the file.
    """
    if len(data) > limits.file_bytes:
        raise refuse_size(limits)
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension in ("xlsx", "xls") and data.startswith(CFB_SIGNATURE):
        # An old .xls, or one renamed .xlsx; a password-protected .xlsx is such a file too.
        from . import xls  # here, not above: xls builds on this module's refusals

        if extension == "xlsx":
            # An encrypted .xlsx is a compound file without a workbook in it.
            return xls.rows(data, limits, not_a_workbook=refuse_protected())
        return xls.rows(data, limits)
    if extension == "xlsx":
        return _xlsx_rows(data, limits)
    if extension == "xls":
        if data.startswith(ZIP_SIGNATURE):
            return _xlsx_rows(data, limits)  # an .xlsx renamed .xls
        from . import xls

        return xls.rows(data, limits)
    if extension == "csv" and csv_allowed:
        return _csv_rows(data, limits)
    if extension in ("et", "ett"):
        raise SheetRefused(
            _(
                "WPS spreadsheet files (.et) cannot be read. In WPS, choose 文件 → 另存为, "
                "pick the file type Excel 工作簿 (*.xlsx), and upload that file."
            )
        )
    if csv_allowed:
        raise SheetRefused(_("Upload an Excel file (.xlsx or .xls) or a CSV file (.csv)."))
    raise SheetRefused(_("Upload an Excel file (.xlsx)."))


def is_empty(value):
    return value is None or (isinstance(value, str) and not value.strip())


# xlsx ------------------------------------------------------------------------------------------


def _xlsx_rows(data, limits):
    if data.startswith(CFB_SIGNATURE):
        raise refuse_protected()
    if not data.startswith(ZIP_SIGNATURE):
        raise _not_excel()
    _check_member_count(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _not_excel() from error
    with archive:
        try:
            shared_strings = _check_archive(archive, limits)
            sheet = _first_sheet_path(archive)
            _count_elements(archive, sheet, limits)
            rows, wanted = _sheet_rows(archive, sheet, limits)
            strings = _shared_strings(archive, shared_strings, wanted)
        except SheetRefused:
            raise
        # zipfile, lxml and int() raise many kinds on a damaged file; all mean the same to people.
        except Exception as error:
            raise _not_excel() from error
    return [(number, _row_values(cells, strings)) for number, cells in rows]


def declared_zip_members(data):
    """The member count a zip's end record declares (0 if none is found), read before zipfile
    lists the members, so a zip of millions of members is refused without listing them."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end != -1 and len(data) >= end + 12:
        return int.from_bytes(data[end + 10 : end + 12], "little")
    return 0


def _check_member_count(data, limits):
    if declared_zip_members(data) > limits.zip_members:
        raise _refuse_members(limits)


def _refuse_members(limits):
    return SheetRefused(
        _(
            "The Excel file has more than %(members)s parts: it is not an ordinary sheet. "
            "Copy the data into the template and upload that."
        )
        % {"members": limits.zip_members}
    )


def refuse_protected():
    return SheetRefused(
        _(
            "This file is password-protected. Remove the password in Excel or WPS "
            "(文件 → 文档加密 or 信息 → 保护工作簿), save it, and upload it again."
        )
    )


def _check_archive(archive, limits):
    """Refuse on the zip directory alone; the shared strings' member, if any."""
    members = archive.infolist()
    if len(members) > limits.zip_members:
        raise _refuse_members(limits)
    unpacked = 0
    shared_strings = None
    for member in members:
        if member.flag_bits & 0x1:
            raise refuse_protected()
        unpacked += member.file_size
        name = member.filename.lower()
        if name.endswith("sharedstrings.xml"):
            if member.file_size > limits.shared_strings_bytes:
                raise SheetRefused(
                    _(
                        "The Excel file holds more than %(megabytes)s MB of text. "
                        "Split it into smaller files."
                    )
                    % {"megabytes": megabytes(limits.shared_strings_bytes)}
                )
            shared_strings = member
        elif (
            name.endswith((".xml", ".rels"))
            and "/worksheets/" not in name
            and member.file_size > limits.xml_part_bytes
        ):
            raise _refuse_unpacked(limits)
    if unpacked > limits.uncompressed_bytes:
        raise _refuse_unpacked(limits)
    if shared_strings is not None:

        def check(counts):
            if counts[1]:
                raise _not_excel()
            if counts[0] > limits.cells // 2:
                raise refuse_texts(limits)

        _count_in_part(archive, shared_strings, SHARED_STRING_STARTS, DTD_STARTS, check=check)
    return shared_strings


def refuse_texts(limits):
    return SheetRefused(
        _(
            "The Excel file holds more than %(count)s different texts: it is not an "
            "ordinary sheet. Copy the data into the template."
        )
        % {"count": f"{limits.cells // 2:,}"}
    )


def _refuse_unpacked(limits):
    return SheetRefused(
        _(
            "Unpacked, the Excel file would be larger than %(megabytes)s MB: it is not an "
            "ordinary sheet. Copy the data into the template and upload that."
        )
        % {"megabytes": megabytes(limits.uncompressed_bytes)}
    )


def _count_in_part(archive, member, *groups, check=None):
    """How often each group of byte strings occurs in a zip member, read in chunks at C speed.

    `check(counts)` runs after every chunk, so a refusal comes as soon as a count is too high.
    """
    counts = [0] * len(groups)
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(CHUNK):
            window = tail + chunk
            # An occurrence cut by the chunk boundary is found in this window; one wholly
            # inside the kept tail was counted with the previous chunk.
            for index, needles in enumerate(groups):
                counts[index] += sum(window.count(n) - tail.count(n) for n in needles)
            tail = window[-8:]
            if check:
                check(counts)
    return counts


def _count_elements(archive, sheet, limits):
    """Refuse a sheet of too many rows, empty rows, cells or other tags before parsing it.

    One pass over the raw XML at C speed: bytes.count for the totals, and a split at each
    "<row" to count the rows that hold a value and the cells of each row.
    """
    rows = cells = tags = content_rows = 0
    tail = b""
    with archive.open(archive.getinfo(sheet)) as part:
        while True:
            chunk = part.read(CHUNK)
            window = tail + chunk
            if any(needle in window for needle in DTD_STARTS):
                raise _not_excel()
            if rows + window.count(b"<row") > limits.rows * EMPTY_ROWS_FACTOR:
                raise refuse_empty_rows(limits)
            pieces = window.split(b"<row")
            # The last piece may be a row cut by the chunk boundary: it waits for the next one.
            tail = pieces.pop() if chunk else b""
            rows += len(pieces)
            for piece in pieces:
                in_row = piece.count(b"<c")
                cells += in_row
                tags += piece.count(b"<")
                if in_row > CELLS_PER_ROW:
                    raise refuse_cells(limits)
                if b"<v>" in piece or b"<is>" in piece:
                    content_rows += 1
            if tail.count(b"<c") > CELLS_PER_ROW:
                raise refuse_cells(limits)
            if rows > limits.rows * EMPTY_ROWS_FACTOR:
                raise refuse_empty_rows(limits)
            if cells > limits.cells:
                raise refuse_cells(limits)
            # The header row comes on top of the data rows.
            if content_rows > limits.rows + 1:
                raise refuse_rows(limits)
            if not chunk:
                break
    # A cell takes at most six "<" (c, is, t and their ends), a row two (and "<row" itself).
    if tags > cells * 6 + rows * 3 + OTHER_TAGS:
        raise _refuse_unpacked(limits)


def refuse_empty_rows(limits):
    return SheetRefused(
        _(
            "The sheet has more than %(rows)s rows, counting empty ones. Delete the empty rows "
            "below the data, or copy the data into the template."
        )
        % {"rows": f"{limits.rows * EMPTY_ROWS_FACTOR:,}"}
    )


def refuse_cells(limits):
    return SheetRefused(
        _(
            "The sheet has too many cells (at most %(columns)s columns and %(rows)s rows are "
            "read). Copy the data into the template."
        )
        % {"columns": limits.columns, "rows": f"{limits.rows:,}"}
    )


def _xml(archive, name):
    with archive.open(name) as part:
        root = etree.fromstring(part.read(), SAFE_PARSER)
    if root.getroottree().docinfo.doctype:
        raise _not_excel()
    return root


def _first_sheet_path(archive):
    """The zip path of the workbook's first worksheet, as Excel shows the tabs."""
    root_rels = _xml(archive, "_rels/.rels")
    workbook = next(
        rel.get("Target")
        for rel in root_rels.iter(f"{{{RELS_NS}}}Relationship")
        if rel.get("Type", "").endswith("/officeDocument")
    )
    workbook = posixpath.normpath(workbook.lstrip("/"))
    folder, name = posixpath.split(workbook)
    rels = _xml(archive, posixpath.join(folder, "_rels", name + ".rels"))
    targets = {
        rel.get("Id"): rel.get("Target")
        for rel in rels.iter(f"{{{RELS_NS}}}Relationship")
        if rel.get("Type", "").endswith("/worksheet")
    }
    for sheet in _xml(archive, workbook).iter(f"{{{MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{DOC_RELS_NS}}}id"))
        if target:
            if target.startswith("/"):
                return posixpath.normpath(target.lstrip("/"))
            return posixpath.normpath(posixpath.join(folder, target))
    raise _not_excel()


def _sheet_rows(archive, sheet, limits):
    """The non-empty rows as (number, [(column, type, text)]) and the shared strings they use.

    One streaming pass: libxml2 hands Python one finished cell at a time, which is then freed,
    and the work stops at the first row, column or cell over a limit.
    """
    rows = []
    wanted = set()
    row_elements = cells = 0
    row_number = column = cells_in_row = 0
    current = []
    columns = {}
    with archive.open(sheet) as source:
        for _event, element in etree.iterparse(
            source,
            events=("end",),
            tag=(ROW_TAG, CELL_TAG),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
        ):
            if element.tag == ROW_TAG:
                row_elements += 1
                if row_elements > limits.rows * EMPTY_ROWS_FACTOR:
                    raise refuse_empty_rows(limits)
                reference = element.get("r")
                row_number = int(reference) if reference else row_number + 1
                if current:
                    if len(rows) > limits.rows:  # the header row comes on top of the data rows
                        raise refuse_rows(limits)
                    rows.append((row_number, current))
                    current = []
                column = cells_in_row = 0
                element.clear()
                parent = element.getparent()
                if parent is not None:
                    parent.remove(element)
                continue
            cells_in_row += 1
            cells += 1
            if cells_in_row > CELLS_PER_ROW or cells > limits.cells:
                raise refuse_cells(limits)
            reference = element.get("r")
            if reference:
                letters = reference.rstrip("0123456789")
                column = columns.get(letters) or columns.setdefault(
                    letters, _column_number(letters)
                )
                if column is None:
                    raise _not_excel()
            else:
                column += 1
            kind = element.get("t", "n")
            text = None
            # Children by hand: lxml's findtext goes through ElementPath, several times slower.
            for child in element:
                if child.tag == VALUE_TAG:
                    text = child.text
                    break
                if child.tag == INLINE_TAG:
                    # Plain <is><t>text</t></is> directly; rich text through _text_of.
                    first = child[0] if len(child) == 1 else None
                    if first is not None and first.tag == T_TAG:
                        text = first.text
                    else:
                        text = _text_of(child)
                    break
            if text:
                if column > limits.columns:
                    raise refuse_columns(limits, column_letters(column))
                if kind == "s":
                    wanted.add(int(text))
                current.append((column, kind, text))
            element.clear()
    return rows, wanted


def _shared_strings(archive, member, wanted):
    """The texts of the shared strings the sheet uses, by index (the others are skipped)."""
    strings = {}
    if member is None or not wanted:
        return strings
    with archive.open(member) as source:
        for index, (_event, element) in enumerate(
            etree.iterparse(
                source,
                events=("end",),
                tag=SI_TAG,
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
            )
        ):
            if index in wanted:
                strings[index] = _text_of(element)
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return strings


def _text_of(element):
    """A shared or inline string's text: rich text keeps its runs' texts, not phonetic guides."""
    return "".join(t.text or "" for t in element.iter(T_TAG) if t.getparent().tag != RPH_TAG)


def _row_values(cells, strings):
    values = [None] * max(column for column, _kind, _text in cells)
    for column, kind, text in cells:
        values[column - 1] = _value(kind, text, strings)
    return tuple(values)


def _value(kind, text, strings):
    if kind == "s":
        return strings.get(int(text), "")
    if kind == "b":
        return text.strip() == "1"
    if kind in ("n", ""):
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            return text
    # "str" (a formula's text), "inlineStr", "e" (an error such as #N/A), "d" (an ISO date).
    return text


def _column_number(letters):
    """The column of a cell reference's letters ("AB" of "AB12" is 28), or None."""
    number = 0
    for character in letters:
        if not "A" <= character <= "Z":
            return None
        number = number * 26 + ord(character) - 64
    return number or None


def column_letters(number):
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# CSV -------------------------------------------------------------------------------------------


def decode_text(data):
    """An uploaded text file's text: UTF-8 (with or without BOM) or, as Excel and Notepad in
    Chinese Windows save it, GB18030/GBK; raises UnicodeDecodeError for anything else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _csv_rows(data, limits):
    if b"\x00" in data[:8192]:
        raise SheetRefused(_("This file is not a CSV text file."))
    try:
        text = decode_text(data)
    except UnicodeDecodeError as error:
        raise SheetRefused(_("Save the CSV file as UTF-8 and upload it again.")) from error
    rows = []
    try:
        reader = csv.reader(_checked_lines(text, limits))
        for number, values in enumerate(reader, start=1):
            filled = [index for index, value in enumerate(values) if value.strip()]
            if not filled:
                continue
            if filled[-1] >= limits.columns:
                raise refuse_columns(limits, column_letters(filled[-1] + 1))
            if len(rows) > limits.rows:
                raise refuse_rows(limits)
            rows.append((number, tuple(values[: filled[-1] + 1])))
    except csv.Error as error:
        raise SheetRefused(_("This file is not a CSV text file.")) from error
    return rows


def _checked_lines(text, limits):
    for count, line in enumerate(io.StringIO(text, newline=""), start=1):
        if count > limits.rows * EMPTY_ROWS_FACTOR:
            raise SheetRefused(
                _(
                    "The sheet has more than %(rows)s rows, counting empty ones. "
                    "Delete the empty rows below the data, or copy the data into the "
                    "template."
                )
                % {"rows": f"{limits.rows * EMPTY_ROWS_FACTOR:,}"}
            )
        if len(line) > limits.line_chars:
            raise SheetRefused(
                _("Line %(line)s of the file is longer than %(chars)s characters.")
                % {"line": count, "chars": f"{limits.line_chars:,}"}
            )
        yield line
