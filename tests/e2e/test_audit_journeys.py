"""A town coordinator resets a member's password, then finds it in the audit log."""

import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from organisations.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site():
    call_command("load_demo")


def test_town_coordinator_resets_a_password_and_finds_the_entry(page, site, screenshot):
    page.goto("/accounts/login/?next=/manage/")
    page.get_by_label("登录名或手机号").fill("town")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="朱家角镇").click()
    page.get_by_role("link", name="示例朱家角商业广场").click()
    page.get_by_role("link", name="成员", exact=True).click()
    page.get_by_role("link", name="示例赵店员").click()
    page.get_by_role("button", name="重置密码").click()
    expect(page.locator(".one-time-password__value")).to_be_visible()

    page.goto("/manage/")
    page.get_by_role("link", name="操作日志").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("操作日志")
    page.get_by_label("操作", exact=True).select_option("firesafety.member.reset_password")
    page.get_by_label("人员").fill("示例赵店员")
    page.get_by_role("button", name="显示").click()
    rows = page.locator(".audit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("重置密码")
    expect(rows.first).to_contain_text("示例赵店员 138****0007")
    expect(rows.first).to_contain_text("示例朱家角商业广场")
    assert "13812330007" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("manage-audit-360")
    entry = AuditEntry.objects.get(action="firesafety.member.reset_password")
    assert entry.user.username == "town" and entry.subject.username == "staff"
