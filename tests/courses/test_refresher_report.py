"""针对性培训 in the reports (issue 15 §4): the page's names, and its Excel and CSV exports.

An export is the page's table (or at a unit its list of assignments) and nothing more: names
as the page shows them, the phone masked where there is no name, text that looks like a formula
kept as text, and every download in the audit log.
"""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from organisations.models import AuditEntry
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory

from .test_lesson_assignments import REASON, give

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:refreshers")
HOSTILE = '=HYPERLINK("http://x.example/","点此")'


def export_url(file_format):
    return reverse("reports:refreshers_export", args=[file_format])


def cells(response_or_content):
    content = response_or_content
    if not isinstance(content, bytes):
        content = b"".join(content.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    for row in rows:  # a sheet's rows are as wide as its widest: drop the empty tail
        while row and row[-1] is None:
            row.pop()
    return [tuple(row) for row in rows]


def csv_text(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.fixture
def nameless(district):
    """A member known by the phone they signed up with, and no name."""
    person = UserFactory(username="13912345678", phone="13912345678", name="")
    MembershipFactory(user=person, organisation=district["unit"], role="staff")
    return person


def test_a_member_without_a_name_shows_masked_on_the_page(
    client, district, manager, lesson, march, coordinators, nameless
):
    give(manager, [nameless], lesson, district["unit"])
    client.force_login(coordinators[0])
    page = client.get(PAGE, {"organisation": district["unit"].pk}).content.decode()
    assert "139****5678" in page and "13912345678" not in page


def test_the_table_exports_as_excel_with_the_pages_columns_and_total(
    client, district, responsible, manager, lesson, march, coordinators
):
    give(manager, [responsible, manager], lesson, district["unit"])
    client.force_login(coordinators[0])
    response = client.get(export_url("xlsx"), {"organisation": district["town"].pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="report-refreshers-')
    rows = cells(response)
    assert rows[0] == ("范围", "青浦区 / 朱家角镇")
    heading = rows.index(("组织", "已逾期", "已分配", "已完成", "未开始"))
    assert rows[heading + 1] == ("示例商场", 0, 2, 0, 2)
    assert rows[heading + 2] == ("合计", 0, 2, 0, 2)
    entry = AuditEntry.objects.get(action="firesafety.export.download")
    assert entry.user == coordinators[0] and entry.organisation == district["town"]
    assert entry.data == {
        "what": "report.refreshers",
        "format": "xlsx",
        "scope": "青浦区 / 朱家角镇",
    }


def test_at_a_unit_the_assignments_export_with_names_as_shown_and_formulas_as_text(
    client, district, manager, lesson, march, coordinators, nameless
):
    give(manager, [nameless], lesson, district["unit"], reason=HOSTILE)
    give(manager, [manager], lesson, district["unit"])
    client.force_login(coordinators[0])
    text = csv_text(client.get(export_url("csv"), {"organisation": district["unit"].pk}))
    assert "13912345678" not in text and "139****5678" in text
    assert "示例管理人" in text and REASON in text and "2026-03-20" in text and "未开始" in text
    assert "'=HYPERLINK" in text
    content = b"".join(
        client.get(export_url("xlsx"), {"organisation": district["unit"].pk}).streaming_content
    )
    rows = cells(content)
    heading = rows.index(("姓名", "课时", "原因", "截止日期", "状态"))
    names = sorted(row[0] for row in rows[heading + 1 :])
    assert names == ["139****5678", "示例管理人"]
    # Kept as typed, stored as text: openpyxl would write a formula (<f>) for a plain "=".
    sheet = load_workbook(io.BytesIO(content)).active
    hostile = [cell for row in sheet.iter_rows() for cell in row if cell.value == HOSTILE]
    assert hostile and all(cell.data_type == "s" for cell in hostile)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    assert AuditEntry.objects.filter(data__what="report.refresher-people").count() == 2


def test_an_export_outside_ones_scope_or_in_an_unknown_format_is_refused(
    client, district, responsible, manager, lesson, march, coordinators
):
    give(manager, [responsible], lesson, district["unit"])
    _town_lead, other_lead = coordinators
    client.force_login(other_lead)
    assert client.get(export_url("xlsx"), {"organisation": district["unit"].pk}).status_code == 404
    assert client.get(export_url("xlsx"), {"organisation": "abc"}).status_code == 404
    assert client.get(export_url("pdf")).status_code == 404
    client.force_login(responsible)
    assert client.get(export_url("csv")).status_code == 403
    assert not AuditEntry.objects.filter(action="firesafety.export.download").exists()


def test_the_page_links_its_exports(
    client, district, responsible, manager, lesson, march, coordinators
):
    give(manager, [responsible], lesson, district["unit"])
    client.force_login(coordinators[0])
    page = client.get(PAGE, {"organisation": district["unit"].pk}).content.decode()
    assert f"{export_url('xlsx')}?organisation={district['unit'].pk}" in page
