"""Hostile sheets against the imports: python -m benchmarks.imports [--repeat 3]

Builds the worst file of each kind the issue names (a declared dimension of A1:XFD1048576, a
shared-strings zip bomb, 2,000 × 1,000 cells, too many columns, rows, empty rows or empty cells,
a zip of many members, a CSV with one endless line) and times how the member import's reader
(`organisations.importing.read_sheet`) and the question import's (`quizzes.importer`) deal
with each: refused (or, for the lying dimension, read) in how many milliseconds, with how much
extra Python memory at the peak (tracemalloc). Nothing touches the database. The builders are
also used by the tests, at small sizes (`scale`).
"""

import io
import statistics
import sys
import time
import tracemalloc
import zipfile

from .setup import setup_django

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ("姓名", "手机号", "组织路径", "角色", "编号")
MEMBER = ("赵一", "13900000001", "青浦区/朱家角镇/示例朱家角商业广场", "员工", "")

_OOXML = "http://schemas.openxmlformats.org"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_REL = f"{_OOXML}/officeDocument/2006/relationships"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_CONTENT_TYPES = (
    f'{_XML_DECLARATION}<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SPREADSHEET}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_SPREADSHEET}.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    f'ContentType="{_SPREADSHEET}.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML_DECLARATION}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML_DECLARATION}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_cell(text, reference=""):
    """An inline-string cell, so that no shared strings are needed."""
    where = f' r="{reference}"' if reference else ""
    return f'<c{where} t="inlineStr"><is><t>{_escape(text)}</t></is></c>'


def row_xml(values, number=None):
    where = f' r="{number}"' if number else ""
    return f"<row{where}>{''.join(text_cell(v) for v in values if v != '')}</row>"


def member_rows_xml(count=1):
    return row_xml(HEADER, 1) + "".join(row_xml(MEMBER, 2 + index) for index in range(count))


def xlsx(sheet_data, *, dimension="", shared_strings=None, extra_members=0):
    """A minimal workbook around the given <sheetData> content, written by hand.

    `sheet_data` and `shared_strings` may be text or an iterable of text pieces (streamed into
    the zip, so a bomb of hundreds of megabytes never sits in memory here).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
        _stream(
            archive,
            "xl/worksheets/sheet1.xml",
            [
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<worksheet xmlns="{MAIN_NS}">{dimension_xml}<sheetData>',
                *([sheet_data] if isinstance(sheet_data, str) else sheet_data),
                "</sheetData></worksheet>",
            ],
        )
        pieces = shared_strings if shared_strings is not None else []
        _stream(
            archive,
            "xl/sharedStrings.xml",
            [
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN_NS}">',
                *([pieces] if isinstance(pieces, str) else pieces),
                "</sst>",
            ],
        )
        for index in range(extra_members):
            archive.writestr(f"xl/media/extra{index}.bin", b"")
    return buffer.getvalue()


def _stream(archive, name, pieces):
    with archive.open(name, "w", force_zip64=True) as part:
        for piece in pieces:
            part.write(piece.encode())


def _repeat(piece, times, batch=10_000):
    """`piece` `times` times, in batches, for streaming into a zip."""
    full, rest = divmod(times, batch)
    block = piece * batch
    for _index in range(full):
        yield block
    yield piece * rest


# The hostile files -------------------------------------------------------------------------------
# Each builder takes a scale (1 = the worst file of its kind for the default limits) and returns
# (filename, bytes).


def declared_dimension(scale=1):
    """A 5 KB sheet claiming A1:XFD1048576 around a few real rows: read, quickly."""
    return "members.xlsx", xlsx(member_rows_xml(3), dimension="A1:XFD1048576")


def shared_strings_bomb(scale=1):
    """A few hundred KB unpacking to 200 MB of shared strings (refused from the zip directory)."""
    text = "<si><t>" + "炸" * 1000 + "</t></si>"
    times = max(1, int(70_000 * scale))
    return "members.xlsx", xlsx(member_rows_xml(1), shared_strings=_repeat(text, times))


def shared_strings_swarm(scale=1):
    """Just under the size limit, made of millions of empty strings (refused by their count)."""
    times = max(1, int(1_500_000 * scale))
    return "members.xlsx", xlsx(member_rows_xml(1), shared_strings=_repeat("<si><t/></si>", times))


def wide_and_tall(scale=1, rows=2000, columns=1000):
    """2,000 rows × 1,000 cells of numbers, without cell references."""
    rows = max(2, int(rows * scale))
    line = "<row>" + "<c><v>1</v></c>" * columns + "</row>"
    return "members.xlsx", xlsx(_repeat(line, rows, batch=100))


def one_column_too_many(scale=1, columns=31):
    """The header and one member, and a value in column 31."""
    extra = text_cell("多余", "AE2")
    return "members.xlsx", xlsx(row_xml(HEADER, 1) + row_xml(MEMBER, 2)[:-6] + extra + "</row>")


def too_many_rows(scale=1, rows=20_001):
    """One data row more than the limit (20,000)."""
    rows = max(1, int(rows * scale))
    line = row_xml(MEMBER)
    return "members.xlsx", xlsx([row_xml(HEADER), *_repeat(line, rows, batch=1000)])


def empty_rows(scale=1):
    """Millions of empty <row/> elements under one member."""
    times = max(1, int(5_000_000 * scale))
    return "members.xlsx", xlsx([member_rows_xml(1), *_repeat("<row/>", times)])


def endless_row(scale=1):
    """One row of millions of empty cells."""
    times = max(1, int(5_000_000 * scale))
    return "members.xlsx", xlsx([member_rows_xml(1), "<row>", *_repeat("<c/>", times), "</row>"])


def empty_cells_everywhere(scale=1):
    """Within the per-row bound, but millions of empty cells across the sheet."""
    rows = max(1, int(60_000 * scale))
    line = "<row>" + "<c/>" * 1000 + "</row>"
    return "members.xlsx", xlsx([member_rows_xml(1), *_repeat(line, rows, batch=100)])


def many_members(scale=1):
    """A zip of 10,000 empty members beside a valid sheet."""
    return "members.xlsx", xlsx(member_rows_xml(1), extra_members=max(1, int(10_000 * scale)))


def not_a_zip(scale=1):
    return "members.xlsx", b"%PDF-1.4 " + b"x" * 1000


def encrypted(scale=1):
    """What Excel writes for a password-protected workbook (an OLE compound file), or an .xls."""
    return "members.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096


def damaged_zip(scale=1):
    """A zip signature followed by garbage."""
    return "members.xlsx", b"PK\x03\x04" + bytes(range(256)) * 8


def endless_csv_line(scale=1):
    """A CSV of one 5 MB line of commas."""
    return "members.csv", ",".join(HEADER).encode() + b"\r\n" + b"," * int(5_000_000 * scale)


def csv_too_many_rows(scale=1, rows=20_001):
    rows = max(1, int(rows * scale))
    line = ",".join(MEMBER) + "\r\n"
    return "members.csv", (",".join(HEADER) + "\r\n" + line * rows).encode()


HOSTILE_FILES = [
    declared_dimension,
    shared_strings_bomb,
    shared_strings_swarm,
    wide_and_tall,
    one_column_too_many,
    too_many_rows,
    empty_rows,
    endless_row,
    empty_cells_everywhere,
    many_members,
    not_a_zip,
    encrypted,
    damaged_zip,
    endless_csv_line,
    csv_too_many_rows,
]


# Measuring -------------------------------------------------------------------------------------


def _member_import(filename, data):
    from organisations import importing

    try:
        rows = importing.read_sheet(filename, data).records
    except importing.ImportFileError as error:
        return f"refused: {error}"
    return f"read: {len(rows)} rows"


def _question_import(filename, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quizzes import importer

    preview = importer.read_workbook(SimpleUploadedFile(filename, data))
    if preview.error:
        return f"refused: {preview.error}"
    return f"read: {len(preview.rows)} rows"


IMPORTS = {"member import": _member_import, "question import": _question_import}


def measure(reader, filename, data, repeat):
    """(median seconds, peak extra MiB, outcome) of reading one file `repeat` times.

    Timed after a warm-up and without tracemalloc (which slows allocation); the memory is the
    peak of one more run under tracemalloc.
    """
    outcome = reader(filename, data)
    timings = []
    for _index in range(repeat):
        started = time.perf_counter()
        reader(filename, data)
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    reader(filename, data)
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    tracemalloc.stop()
    return statistics.median(timings), peak, outcome


def run(repeat=3, scale=1, report=print):
    """Measure every hostile file against both imports; returns the rows of the table."""
    from django.utils import translation

    rows = []
    with translation.override("zh-hans"):
        for build in HOSTILE_FILES:
            filename, data = build(scale)
            for label, reader in IMPORTS.items():
                seconds, megabytes, outcome = measure(reader, filename, data, repeat)
                rows.append((build.__name__, len(data), label, seconds, megabytes, outcome))
    report("| file | size | import | ms | peak MiB | outcome |\n|---|---:|---|---:|---:|---|")
    for name, size, label, seconds, megabytes, outcome in rows:
        report(
            f"| {name} | {size / 1024:,.0f} KB | {label} | {seconds * 1000:.0f} "
            f"| {megabytes:.1f} | {outcome[:70]} |"
        )
    return rows


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="size of the files (1 = worst)")
    args = parser.parse_args(argv)
    setup_django()
    run(args.repeat, args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
