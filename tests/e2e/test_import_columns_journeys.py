"""A town's own roster in the browser: the columns step on a phone, then the preview."""

import pytest
from playwright.sync_api import expect

from django.contrib.auth import get_user_model

from tests.factories import TEST_PASSWORD
from tests.organisations.join_helpers import build_district, coordinator_of
from tests.organisations.test_import_rosters import roster_xlsx

pytestmark = pytest.mark.django_db(transaction=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_coordinator_maps_an_unknown_column_on_a_phone_and_it_is_remembered(page, screenshot):
    tree = build_district()
    coordinator_of(tree["town"], username="town_columns", name="镇协调员")
    header = ("序号", "姓名", "联系电话", "所属单位", "人员性质")
    rows = [
        (1, "赵一", "１３９０００００００１", "示例朱家角商业广场", "普通员工"),
        (2, "钱二", "139 0000 0002", "朱家角镇／示例朱家角商业广场", "管理人"),
    ]
    sign_in(page, "town_columns", TEST_PASSWORD)

    def upload(data):
        page.goto("/manage/import/")
        page.get_by_label("成员表").set_input_files(
            files=[{"name": "名单.xlsx", "mimeType": XLSX, "buffer": data}]
        )
        page.get_by_role("button", name="上传并预览").click()

    upload(roster_xlsx(rows, header=header))
    expect(page.get_by_role("heading", level=1)).to_have_text("选择对应的列")
    expect(page.locator(".import-sample")).to_contain_text("普通员工")
    role = page.get_by_label("角色")
    expect(role).to_have_value("")
    expect(page.get_by_label("手机号")).to_have_value("2")  # C（联系电话）, recognised
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("import-columns-360")
    role.select_option(label="E（人员性质）：普通员工、管理人")
    page.get_by_role("button", name="按这些列预览").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("导入预览")
    main = page.locator("main")
    expect(main).to_contain_text("未使用的列：序号")
    expect(main).to_contain_text("原文：１３９０００００００１")
    expect(page.locator(".import-row--create")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("import-columns-preview-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("import-columns-preview-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    assert not get_user_model().objects.filter(phone="13900000001").exists()

    # The next sheet with the same headings goes straight to the preview.
    upload(roster_xlsx([(1, "孙三", "13900000003", "示例朱家角商业广场", "员工")], header=header))
    expect(page.get_by_role("heading", level=1)).to_have_text("导入预览")
    expect(page.locator(".import-row--create")).to_have_count(1)
