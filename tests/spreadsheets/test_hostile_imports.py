"""Hostile sheets against both imports: each is built here, refused with its limit, stores nothing.

The files are the benchmark's builders (benchmarks/imports.py) at small sizes, with limits
lowered to match, so every case runs in milliseconds while taking the same code path as the
worst file of its kind.
"""

import io
import time
import zipfile
from pathlib import Path

import pytest

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchmarks import imports as hostile
from organisations.models import Membership, PendingImport
from quizzes.models import Question
from spreadsheets import reading
from tests.organisations.join_helpers import build_district, coordinator_of

User = get_user_model()
UPLOAD_URL = reverse("organisations:import_upload")
QUESTION_URL = "/admin/quizzes/import/"
SMALL = {
    "file_bytes": 5 * 1024 * 1024,
    "uncompressed_bytes": 2 * 1024 * 1024,
    "shared_strings_bytes": 1024 * 1024,
    "xml_part_bytes": 64 * 1024,
    "zip_members": 20,
    "rows": 200,
    "columns": 30,
    "line_chars": 1000,
}


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.IMPORT_LIMITS = SMALL
    settings.QUESTION_IMPORT_LIMITS = {**SMALL, "rows": 100}


@pytest.fixture
def coordinator_client(client, db):
    tree = build_district()
    client.force_login(coordinator_of(tree["town"]))
    return client


def shared_strings_bomb():
    # 1.1 MB of text (over the 1 MB limit) in a file of a few KB.
    return hostile.xlsx(
        hostile.member_rows_xml(1),
        shared_strings=hostile._repeat("<si><t>" + "炸" * 1000 + "</t></si>", 370),
    )


def lying_shared_strings():
    """A zip whose directory says the shared strings are small while they unpack to more."""
    honest = shared_strings_bomb()
    source = zipfile.ZipFile(io.BytesIO(honest))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
    data = bytearray(buffer.getvalue())
    # Patch the central directory's uncompressed size of sharedStrings.xml to 100 bytes.
    name = b"xl/sharedStrings.xml"
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name:
            data[at + 24 : at + 28] = (100).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


XLSX_CASES = {
    "shared strings bomb": (shared_strings_bomb, "文字超过 1 MB"),
    "shared strings that lie about their size": (lying_shared_strings, "不是有效的 Excel 文件"),
    "swarm of empty shared strings": (
        lambda: hostile.xlsx(
            hostile.member_rows_xml(1),
            shared_strings=hostile._repeat("<si><t/></si>", (SMALL["rows"] + 1) * 30 + 1),
        ),
        "条不同的文字",
    ),
    "2000 × 1000 cells": (
        lambda: hostile.wide_and_tall(rows=2000, columns=1000)[1],
        "解压后将超过 2 MB",
    ),
    "100 × 1000 cells": (
        lambda: hostile.wide_and_tall(rows=100, columns=1000)[1],
        "单元格过多",
    ),
    "a value in column 31": (lambda: hostile.one_column_too_many()[1], "AE 列有数据"),
    "a value in column XFD at row 1048576": (
        lambda: hostile.xlsx(
            hostile.member_rows_xml(1)
            + hostile.row_xml(()).replace("<row>", '<row r="1048576">')[:-6]
            + hostile.text_cell("x", "XFD1048576")
            + "</row>",
            dimension="A1:XFD1048576",
        ),
        "XFD 列有数据",
    ),
    "one data row too many": (
        lambda: hostile.too_many_rows(rows=SMALL["rows"] + 1)[1],
        "文件超过 200 行",
    ),
    "thousands of empty rows": (
        lambda: hostile.xlsx([hostile.member_rows_xml(1), *hostile._repeat("<row/>", 700)]),
        "表格超过 600 行（含空行）",
    ),
    "one row of 5000 empty cells": (
        lambda: hostile.xlsx(
            [hostile.member_rows_xml(1), "<row>", *hostile._repeat("<c/>", 5000), "</row>"]
        ),
        "单元格过多",
    ),
    "a zip of many members": (
        lambda: hostile.xlsx(hostile.member_rows_xml(1), extra_members=30),
        "超过 20 个部件",
    ),
    "not a zip": (lambda: hostile.not_a_zip()[1], "不是有效的 Excel 文件"),
    "password-protected (or an .xls renamed)": (lambda: hostile.encrypted()[1], "设有密码"),
    "damaged zip": (lambda: hostile.damaged_zip()[1], "不是有效的 Excel 文件"),
}


def entity_bomb():
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 9)
        )
        + "]>"
    )
    data = hostile.xlsx(
        hostile.row_xml(hostile.HEADER, 1) + '<row r="2"><c t="inlineStr">'
        "<is><t>&lol8;</t></is></c></row>"
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                content = content.replace(b"?>", b"?>" + laughs.encode(), 1)
            target.writestr(info, content)
    return buffer.getvalue()


XLSX_CASES["an entity bomb (billion laughs)"] = (entity_bomb, "不是有效的 Excel 文件")
XLSX_CASES["thousands of other tags"] = (
    lambda: hostile.xlsx(
        hostile.member_rows_xml(1)
        + "</sheetData><mergeCells>"
        + "<mergeCell/>" * 120_000
        + "</mergeCells><sheetData>"
    ),
    "解压后将超过 2 MB",
)


@pytest.mark.parametrize("case", list(XLSX_CASES))
def test_member_import_refuses_hostile_xlsx_with_its_limit_and_stores_nothing(
    coordinator_client, case
):
    build, message = XLSX_CASES[case]
    users, memberships = User.objects.count(), Membership.objects.count()
    started = time.perf_counter()
    response = coordinator_client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("members.xlsx", build())}
    )
    assert time.perf_counter() - started < 10
    assert response.status_code == 200
    page = response.content.decode()
    assert "field__error" in page
    if message:
        assert message in page, case
    assert not PendingImport.objects.exists()
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)


@pytest.mark.parametrize("case", list(XLSX_CASES))
def test_question_import_refuses_hostile_xlsx_with_its_limit_and_stores_nothing(admin_client, case):
    build, message = XLSX_CASES[case]
    if case == "one data row too many":
        message = "文件超过 100 行"
    if case == "thousands of empty rows":
        message = "表格超过 300 行（含空行）"
    response = admin_client.post(QUESTION_URL, {"file": SimpleUploadedFile("bank.xlsx", build())})
    assert response.status_code == 400
    error = response.context["preview"].error
    assert error
    if message:
        assert message in error, (case, error)
    assert not response.context["token"]
    assert Question.objects.count() == 0


CSV_CASES = {
    "one endless line": (hostile.endless_csv_line(scale=0.001)[1], "第 2 行超过 1,000 个字符"),
    "one data row too many": (hostile.csv_too_many_rows(rows=SMALL["rows"] + 1)[1], "超过 200 行"),
    "thousands of empty lines": (
        ",".join(hostile.HEADER).encode() + b"\r\n" + b"\r\n" * 700,
        "表格超过 600 行（含空行）",
    ),
    "a value in column 31": (
        (
            ",".join(hostile.HEADER) + "\r\n" + ",".join(hostile.MEMBER) + "," * 26 + "x\r\n"
        ).encode(),
        "AE 列有数据",
    ),
    "binary": (b"\x00\x01\x02binary", "不是 CSV 文本文件"),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_member_import_refuses_hostile_csv_with_its_limit_and_stores_nothing(
    coordinator_client, case
):
    data, message = CSV_CASES[case]
    response = coordinator_client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("members.csv", data)}
    )
    assert response.status_code == 200
    assert message in response.content.decode(), case
    assert not PendingImport.objects.exists()


def test_a_declared_dimension_of_the_whole_sheet_is_ignored(coordinator_client):
    _name, data = hostile.declared_dimension()
    started = time.perf_counter()
    response = coordinator_client.post(UPLOAD_URL, {"file": SimpleUploadedFile("m.xlsx", data)})
    assert time.perf_counter() - started < 5
    assert response.status_code == 302
    preview = coordinator_client.get(response.url).content.decode()
    assert preview.count("赵一") == 3  # three rows, not a million


def test_reader_keeps_row_numbers_types_and_shared_strings():
    """What the imports rely on: sheet row numbers, numbers as numbers, rich shared strings."""
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>13900000001</v></c></row>'
        '<row r="4"><c r="B4" t="s"><v>1</v></c><c r="C4"><v>1.5</v></c>'
        '<c r="D4" t="b"><v>1</v></c></row>'
    )
    strings = (
        "<si><t>姓名</t></si>"
        '<si><r><t>赵</t></r><r><t>一</t></r><rPh sb="0" eb="1"><t>zhao</t></rPh></si>'
    )
    data = hostile.xlsx(sheet, shared_strings=strings)
    rows = reading.read_rows("a.xlsx", data, reading.Limits(**SMALL))
    assert rows == [(1, ("姓名", None, 13900000001)), (4, (None, "赵一", 1.5, True))]


# Old .xls files: xlrd has no limits of its own, so spreadsheets/xls.py walks the records first.

XLS_FIXTURES = Path(__file__).parent / "fixtures"


def _xls_with_declared_texts(count):
    """The roster .xls with its shared-strings record claiming `count` texts."""
    data = bytearray((XLS_FIXTURES / "roster.xls").read_bytes())
    at = data.find(b"\xfc\x00")  # the SST record's code
    while at != -1:
        length = int.from_bytes(data[at + 2 : at + 4], "little")
        if length >= 8:
            data[at + 8 : at + 12] = count.to_bytes(4, "little")
            return bytes(data)
        at = data.find(b"\xfc\x00", at + 1)
    raise AssertionError("no SST record")


XLS_CASES = {
    "a value in column IV": (lambda: (XLS_FIXTURES / "wide.xls").read_bytes(), "IV 列有数据"),
    "a value in row 65,536": (
        lambda: (XLS_FIXTURES / "tall.xls").read_bytes(),
        "表格超过 600 行（含空行）",
    ),
    "millions of declared texts": (lambda: _xls_with_declared_texts(50_000_000), "条不同的文字"),
    "zeros after the OLE signature": (
        lambda: reading.CFB_SIGNATURE + b"\x00" * 4096,
        "不是有效的 .xls 文件",
    ),
    "a web page saved as .xls": (
        lambda: "<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode(),
        "不是有效的 .xls 文件",
    ),
    "a truncated .xls": (
        lambda: (XLS_FIXTURES / "roster.xls").read_bytes()[:3000],
        "不是有效的 .xls 文件",
    ),
}


@pytest.mark.parametrize("case", list(XLS_CASES))
def test_member_import_refuses_hostile_xls_with_its_limit_and_stores_nothing(
    coordinator_client, case
):
    build, message = XLS_CASES[case]
    started = time.perf_counter()
    response = coordinator_client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("members.xls", build())}
    )
    assert time.perf_counter() - started < 10
    assert response.status_code == 200
    assert message in response.content.decode(), case
    assert not PendingImport.objects.exists()


def test_xls_reader_gives_numbers_as_numbers_and_the_first_sheet_only():
    rows = reading.read_rows(
        "a.xls", (XLS_FIXTURES / "roster.xls").read_bytes(), reading.Limits(**SMALL)
    )
    numbers = [number for number, _values in rows]
    assert numbers == [1, 3, 4, 5, 6, 7]  # the empty row 2 is left out
    assert rows[2][1][2] == "１３９００１１２２３４"
    assert rows[3][1][2] == 13900112235  # a number cell, as an int
    assert not any("第二个工作表" in str(values) for _number, values in rows)
