"""Units' drills on a 360 px phone: the manager records a 疏散 drill and makes a problem a hazard;
the town's coordinator sees it in the drills overview, with the overdue unit flagged."""

import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from drills.models import UnitDrill
from inspections.models import Hazard

pytestmark = pytest.mark.django_db(transaction=True)

PROBLEM = "示例：二楼防火卷帘下堆放纸箱"
OVERDUE_UNIT = "示例朱家角古镇客栈（示例）"


@pytest.fixture
def demo():
    call_command("load_demo")


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_the_manager_records_a_drill_with_a_hazard_and_the_town_sees_it(
    page, demo, screenshot, axe_violations
):
    found = []
    sign_in(page, "manager")
    page.goto("/drills/units/")
    expect(page.get_by_role("link", name="示例朱家角商业广场")).to_be_visible()
    fits_the_phone(page)
    found += axe_violations(page)
    page.get_by_role("link", name="记录一次演练").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("记录一次演练")
    page.get_by_label("疏散演练").check()
    page.get_by_label("预案版本").fill("2026版")
    page.get_by_label("示例张伟").check()
    page.get_by_label("其他参加人数").fill("35")
    page.get_by_label("疏散用时（秒）").fill("0")
    page.get_by_label("发现的问题").fill(PROBLEM)
    page.get_by_role("button", name="记录演练").click()
    # An evacuation time of 0 is a form error; the date was left empty too.
    expect(page.locator(".field__error").first).to_be_visible()
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("drill-form-errors-360")
    page.get_by_label("疏散用时（秒）").fill("175")
    page.get_by_label("演练日期").fill(page.evaluate("new Date().toISOString().slice(0, 10)"))
    page.get_by_label("示例张伟").check()
    page.get_by_label("发现的问题").fill(PROBLEM)
    page.get_by_role("button", name="记录演练").click()
    expect(page.get_by_test_id("evacuation")).to_have_text("175 秒")
    drill = UnitDrill.objects.latest("pk")
    assert drill.evacuation_seconds == 175 and drill.others_count == 35
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("drill-recorded-360")

    # The problem becomes a hazard to rectify, with its deadline by severity.
    page.locator("summary", has_text="转为待整改隐患").click()
    page.get_by_role("button", name="转为隐患").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROBLEM)
    expect(page.get_by_test_id("found-in")).to_be_visible()
    hazard = Hazard.objects.get(item=PROBLEM)
    assert hazard.source == "drill" and hazard.state == "pending"
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("drill-hazard-360")

    # The town's coordinator sees the unit's last drill, and the overdue unit flagged.
    sign_in(page, "town")
    page.goto("/drills/overview/")
    expect(page.get_by_role("heading", level=1)).to_have_text("演练总览")
    overdue = page.get_by_test_id("overdue-units")
    expect(overdue.get_by_role("link", name=OVERDUE_UNIT)).to_be_visible()
    expect(overdue.get_by_role("link", name="示例朱家角商业广场")).to_have_count(0)
    row = page.get_by_test_id(f"row-{drill.unit_id}")
    expect(row).to_contain_text(drill.held_on.isoformat())
    found += axe_violations(page)
    screenshot("drill-overview-360")
    row.get_by_role("link", name="示例朱家角商业广场").click()
    expect(page.get_by_role("link", name=f"{drill.held_on.isoformat()} · 疏散演练")).to_be_visible()
    fits_the_phone(page)
    found += axe_violations(page)
    assert not found, "\n".join(found)
