"""Two-factor sign-in in a real browser: enrol from the QR page, then sign in with a code."""

import re

import pytest
from playwright.sync_api import expect

from django.core.management import call_command
from django.test import override_settings

from accounts.demo import DEMO_PASSWORD
from tests.accounts.two_factor_helpers import code_from_secret

pytestmark = pytest.mark.django_db(transaction=True)
MANAGE = re.compile(r"/manage/$")


@pytest.fixture
def site():
    call_command("load_demo")


def sign_in(page, username):
    page.goto("/accounts/login/?next=/manage/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_district_coordinator_enrols_then_signs_in_with_a_code(page, site, screenshot):
    sign_in(page, "district")
    # Required here: enrolment comes before the coordinator area.
    expect(page.get_by_role("heading", level=1)).to_have_text("设置两步验证")
    expect(page.get_by_role("img", name="身份验证器应用的二维码")).to_be_visible()
    secret = page.locator(".two-factor__secret").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("two-factor-enrol-360")

    page.get_by_label("应用显示的验证码").fill("000000")
    page.get_by_role("button", name="开启两步验证").click()
    expect(page.locator(".field__error")).to_contain_text("验证码不正确")

    page.get_by_label("应用显示的验证码").fill(code_from_secret(secret))
    page.get_by_role("button", name="开启两步验证").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您的恢复码")
    codes = page.locator(".two-factor__codes li")
    expect(codes).to_have_count(10)
    screenshot("two-factor-recovery-codes-360")
    page.get_by_role("link", name="我已保存恢复码，继续").click()
    expect(page).to_have_url(MANAGE)
    expect(page.locator(".account-name")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    sign_in(page, "district")
    expect(page.get_by_role("heading", level=1)).to_have_text("两步验证")
    screenshot("two-factor-code-step-360")
    # The code of the next 30-second step: the one used to enrol cannot be used again.
    page.get_by_label("身份验证器应用中的验证码").fill(code_from_secret(secret, steps_ahead=1))
    page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(MANAGE)
    expect(page.locator(".account-name")).to_be_visible()
