from decimal import Decimal

import pytest
from playwright.sync_api import expect

from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from organisations.demo import TEAM_FIRE
from organisations.models import Organisation
from organisations.scope import visible_organisations
from volunteers.reporting import district_rollup, personal_hours

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    call_command("load_demo")
    return Organisation.objects.get(name=TEAM_FIRE)


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def hours(value):
    return f"{Decimal(value):.1f}"


def test_volunteer_logs_an_activity_the_coordinator_verifies_and_the_hours_show_everywhere(
    page, demo, screenshot
):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    volunteer = User.objects.get(username="volunteer")
    district_lead = User.objects.get(username="district")
    before = personal_hours(volunteer)
    _teams, _towns, total_before = district_rollup(
        visible_organisations(district_lead), timezone.localdate().year
    )

    # The volunteer logs today's drill.
    sign_in(page, "volunteer")
    page.goto("/volunteer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的志愿服务")
    page.get_by_role("link", name="登记服务").click()
    page.get_by_label("日期").fill(timezone.localdate().isoformat())
    page.get_by_label("服务类型").select_option(label="应急演练")
    page.get_by_label("时长（小时）").fill("2.5")
    page.get_by_label("地点").fill("示例放生桥居委广场")
    page.get_by_label("服务内容").fill("示例：居民楼疏散演练，引导老人下楼")
    screenshot("volunteer-log-360")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("已登记。队伍协调员核实后，时长即计入。")).to_be_visible()
    row = page.locator(".volunteer-records tr", has_text="示例放生桥居委广场")
    expect(row).to_contain_text("待核实")
    expect(page.get_by_test_id("hours-month")).to_have_text(hours(before["month"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("volunteer-page-360")

    # The team coordinator verifies it.
    sign_in(page, "volunteer_lead")
    page.goto(f"/manage/volunteers/{demo.pk}/")
    waiting = page.locator(".waiting-records tr", has_text="示例放生桥居委广场")
    expect(waiting).to_contain_text("示例钱队员")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("volunteer-team-360")
    waiting.get_by_role("button", name="核实").click()
    expect(page.get_by_text("已核实 1 条记录。")).to_be_visible()
    expect(page.locator(".waiting-records tr", has_text="示例放生桥居委广场")).to_have_count(0)
    member = page.locator(".volunteer-members tr", has_text="示例钱队员")
    expect(member.locator("td").nth(3)).to_have_text(hours(before["month"] + Decimal("2.5")))
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("volunteer-team-1280")

    # The volunteer sees the hours counted.
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "volunteer")
    page.goto("/volunteer/")
    expect(page.get_by_test_id("hours-month")).to_have_text(hours(before["month"] + Decimal("2.5")))
    expect(page.get_by_test_id("hours-year")).to_have_text(hours(before["year"] + Decimal("2.5")))
    expect(page.locator(".volunteer-records tr", has_text="示例放生桥居委广场")).to_contain_text(
        "已核实"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("volunteer-page-1280")

    # And the district roll-up counts them.
    sign_in(page, "district")
    page.goto("/reports/volunteers/")
    expect(page.get_by_test_id("total-hours")).to_have_text(
        hours(total_before.hours + Decimal("2.5"))
    )
    screenshot("volunteer-district-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot("volunteer-district-360")


def test_the_team_page_on_a_phone_has_compact_cards_and_readable_chart_labels(page, demo):
    sign_in(page, "volunteer_lead")
    page.goto(f"/manage/volunteers/{demo.pk}/")
    # The short figures of a member sit side by side: 本月, 本年 and 最近服务 share one line.
    card = page.locator(".volunteer-members tbody tr").first
    tops = [box["y"] for box in (c.bounding_box() for c in card.locator("td.cell--short").all())]
    assert len(tops) == 3 and max(tops) - min(tops) < 2
    # The month labels of the hours chart are at least 10 px tall as drawn on a 360 px screen.
    label = page.locator(".volunteer-chart .chart__label").first
    assert label.bounding_box()["height"] >= 10
