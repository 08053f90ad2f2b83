"""The one export writer: data, never formulas; cells Excel can hold."""

import io

import pytest
from openpyxl import load_workbook

from spreadsheets.writing import csv_lines, write_xlsx

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_cell_is_text_in_xlsx(text):
    handle = io.BytesIO()
    write_xlsx(handle, [("表", [[text, 3]])])
    handle.seek(0)
    cell = load_workbook(handle).active["A1"]
    assert cell.data_type == "s"
    assert cell.value == text
    assert load_workbook(io.BytesIO(handle.getvalue())).active["B1"].value == 3


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_cell_is_quoted_in_csv(text):
    lines = "".join(csv_lines([[text]]))
    assert lines.lstrip("\ufeff").startswith(("'", "\"'"))


def test_control_characters_are_removed_instead_of_failing_the_file():
    handle = io.BytesIO()
    write_xlsx(handle, [("表", [["张三\x07", "李\x00四"]])])
    handle.seek(0)
    sheet = load_workbook(handle).active
    assert [sheet["A1"].value, sheet["B1"].value] == ["张三", "李四"]


def test_numbers_and_plain_text_stay_as_they_are():
    lines = "".join(csv_lines([["张三", 12, 3.5, ""]]))
    assert lines == "\ufeff张三,12,3.5,\r\n"
