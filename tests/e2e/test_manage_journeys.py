"""A town coordinator manages people in the browser, on a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from organisations.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site():
    call_command("load_demo")


def sign_in(page, username):
    page.goto("/accounts/login/?next=/manage/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_town_coordinator_drills_down_searches_and_changes_a_role(page, site, screenshot):
    sign_in(page, "town")
    expect(page.get_by_role("heading", level=1)).to_have_text("管理区")
    expect(page.get_by_role("link", name="朱家角镇")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("manage-tree-360")

    page.get_by_role("link", name="朱家角镇").click()
    page.get_by_role("link", name="示例朱家角商业广场").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("示例朱家角商业广场")
    page.get_by_role("link", name="成员", exact=True).click()
    page.get_by_label("姓名、手机号或编号").fill("示例赵店员")
    page.get_by_role("button", name="显示").click()
    expect(page.locator(".member-table tbody tr")).to_have_count(1)
    # The town coordinator is not the unit's coordinator: the phone is masked.
    expect(page.locator(".member-table")).to_contain_text("138****0007")
    page.get_by_role("link", name="示例赵店员").click()
    page.get_by_label("新角色").select_option("operator")
    page.get_by_role("button", name="更改角色").click()
    expect(page.get_by_role("status")).to_contain_text("示例赵店员 的角色已改为消控室值班操作人员")
    roles = set(
        Membership.objects.current().filter(user__username="staff").values_list("role", flat=True)
    )
    assert roles == {"operator"}
    assert Membership.objects.filter(user__username="staff", ended_at__isnull=False).exists()


def test_tree_and_member_list_screenshots_at_360_and_1280(page, site, screenshot):
    sign_in(page, "district")
    page.goto("/manage/")
    screenshot("manage-district-tree-360")
    page.get_by_role("link", name="青浦区").click()
    screenshot("manage-district-children-360")
    page.get_by_role("link", name="本级及下级成员").click()
    expect(page.locator(".member-table tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("manage-members-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    screenshot("manage-members-1280")
    page.go_back()
    screenshot("manage-district-children-1280")
