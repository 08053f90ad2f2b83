"""Campaign journeys on the demo district: the public board, a teacher's roster, the bureau."""

import re

import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from courses.models import CampaignPage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign():
    call_command("load_demo")
    return CampaignPage.objects.get(slug="first-lesson-2026-campaign")


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_public_board_then_teacher_roster(page, campaign, screenshot):
    page.goto(campaign.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("2026年秋季消防安全开学第一课")
    board = page.locator(".board-table")
    expect(board.get_by_role("rowheader", name="示例朱家角小学")).to_be_visible()
    # Counts and rates only: no student's name on the public page.
    expect(page.get_by_text("示例学生01")).to_have_count(0)
    expect(page.get_by_text("示例小明")).to_have_count(0)
    # The page fits a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("campaign-board-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("campaign-board-1280")
    page.set_viewport_size({"width": 360, "height": 740})

    # A wrong code stays on the page with a message at the field.
    page.get_by_label("班级加入码").fill("12")
    page.get_by_role("button", name="加入我的班级").click()
    expect(page.locator("#id_code_error")).to_be_visible()

    sign_in(page, "teacher")
    page.goto(campaign.url)
    page.locator(".campaign__classes").get_by_role("link", name="三年级（2）班").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("示例朱家角小学 三年级（2）班")
    roster = page.locator(".roster-table")
    expect(roster.get_by_role("rowheader", name="示例小明")).to_be_visible()
    expect(page.locator(".class-code--large")).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    screenshot("campaign-roster-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("campaign-roster-1280")


def test_edu_dept_sees_the_school_rollup_and_drills_into_a_school(page, campaign, screenshot):
    sign_in(page, "edu_dept")
    page.goto(f"/manage/campaigns/{campaign.pk}/")
    table = page.locator(".report-table")
    for school in ("示例朱家角小学", "示例夏阳中学", "示例练塘小学", "示例徐泾中学"):
        expect(table.get_by_role("link", name=school)).to_be_visible()
    expect(page.locator(".chart__bars rect").first).to_be_attached()
    screenshot("campaign-overview-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("campaign-overview-1280")
    table.get_by_role("link", name="示例朱家角小学").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("示例朱家角小学")
    expect(page.locator(".report-table").get_by_role("link", name="三年级（2）班")).to_be_visible()
