import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_town_coordinator_drills_down_and_exports_excel(page, demo, screenshot):
    sign_in(page, "town")
    page.goto("/reports/")
    expect(page.get_by_role("heading", name="培训完成情况")).to_be_visible()
    page.get_by_label("培训要求").select_option(
        label="社会单位消防安全责任人、管理人培训 · 青浦区 · 2026-12-31"
    )
    page.get_by_role("button", name="显示").click()
    screenshot("report-town-360")
    unit_link = page.get_by_role("link", name="示例朱家角商业广场")
    unit_row = page.locator("tr", has=unit_link)
    expect(unit_row.locator("td").nth(2)).to_have_text("2")  # responsible + manager
    unit_link.click()
    expect(page.get_by_role("heading", name="示例朱家角商业广场")).to_be_visible()
    expect(page.get_by_text("示例陈总")).to_be_visible()
    screenshot("report-people-360")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    with open(download_info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert "示例朱家角商业广场" in rows[0][1]
    names = {row[0] for row in rows[6:] if row and row[0]}
    assert {"示例陈总", "示例王经理"} <= names


def test_a_large_excel_export_waits_for_the_worker_then_downloads(page, demo, screenshot, settings):
    """The town's whole list as Excel, above a lowered limit, with a worker that runs later."""
    from reports.background import write_people_export
    from reports.models import Export

    settings.REPORTS_BACKGROUND_EXPORT_ROWS = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sign_in(page, "town")
    page.goto("/reports/")
    page.get_by_label("培训要求").select_option(
        label="社会单位消防安全责任人、管理人培训 · 青浦区 · 2026-12-31"
    )
    page.get_by_role("button", name="显示").click()
    page.locator("a[href^='/reports/export/people.xlsx']").click()  # the people list's Excel
    expect(page.get_by_role("heading", name="Excel 导出")).to_be_visible()
    expect(page.get_by_text("等待后台处理…")).to_be_visible()
    screenshot("report-export-waiting-360")

    export = Export.objects.get()
    write_people_export.call(str(export.pk), "zh-hans")  # what the db_worker would do
    download_link = page.get_by_role("link", name="下载 Excel")
    expect(download_link).to_be_visible(timeout=10_000)  # the page refreshes by itself
    screenshot("report-export-ready-360")
    with page.expect_download() as download_info:
        download_link.click()
    with open(download_info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert "朱家角镇" in rows[0][1]
    names = {row[0] for row in rows[6:] if row and row[0]}
    assert "示例陈总" in names
    assert len(names) >= export.rows_total - 1  # people may share a name
