"""The self-inspection overview as the town's coordinator reads it: on a phone, then at a desk.

From the town down to the demo unit, its open hazards (the overdue one and the 重大 one), and the
overview's Excel export; the page's figures are the database's, and the page fits the phone
(wide tables scroll inside their frame, the page itself does not).
"""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from inspections.models import Hazard
from organisations.models import Organisation

from .test_inspection_journeys import fits_the_phone, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

UNIT = "示例朱家角商业广场"


def test_the_town_reads_the_overview_down_to_the_unit_and_exports_it(
    page, demo, screenshot, axe_violations, tmp_path
):
    unit = Organisation.objects.get(name=UNIT)
    town = Organisation.objects.get(kind="town", path=unit.path[: 2 * Organisation.steplen])
    open_ = Hazard.objects.filter(unit=unit).exclude(state=Hazard.State.CLOSED)
    found = []

    sign_in(page, "town")
    page.goto("/inspections/")
    page.get_by_role("link", name="我管辖范围的巡查检查总览").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("巡查检查总览")
    expect(page.locator(".breadcrumbs")).to_contain_text(town.name)
    summary = page.locator(".report-summary")
    expect(summary).to_contain_text("未销号隐患")
    expect(summary.locator(".kpi").nth(3).locator(".kpi__value")).to_have_text(str(open_.count()))
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("inspection-overview-360")

    # Down the tree, one level a click, to the unit's own page.
    ancestors = [
        organisation for organisation in unit.get_ancestors() if organisation.depth > town.depth
    ]
    for organisation in [*ancestors, unit]:
        page.locator(".report-table tbody").get_by_role("link", name=organisation.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UNIT)
    hazards = page.locator("#open-hazards + ul")
    for hazard in open_.select_related("point"):
        expect(hazards).to_contain_text(hazard.title)
    expect(page.locator(".status-badge--overdue").first).to_be_visible()
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("inspection-overview-unit-360")

    # At a desk: the town's tables and chart, and the same tables in Excel.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/inspections/overview/")
    expect(page.locator(".overview-chart svg rect.chart__bar")).to_have_count(12)
    screenshot("inspection-overview-1280")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    path = tmp_path / "overview.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    cells = [
        str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True)
        for value in row if value is not None
    ]  # fmt: skip
    assert town.name in " ".join(cells) and "合计" in cells
    assert not found, "\n".join(found)
