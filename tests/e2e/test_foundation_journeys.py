import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site():
    call_command("load_demo")


def test_home_page_renders_on_a_phone(page, site, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("消防安全学习平台")
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    # Nothing overflows sideways at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("home-360")


def test_learner_signs_in_and_out(page, site):
    UserFactory(username="13800002222", name="王小明", phone="13800002222")
    page.goto("/")
    page.get_by_role("link", name="登录").click()
    page.get_by_label("登录名或手机号").fill("13800002222")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_have_text("王小明")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已退出登录")).to_be_visible()
    expect(page.get_by_role("link", name="登录")).to_be_visible()


def test_wrong_password_shows_the_form_error(page, site):
    UserFactory(username="13800003333")
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill("13800003333")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("登录名或密码不正确")


def test_large_type_switch_enlarges_text_and_is_remembered(page, site, screenshot):
    page.goto("/")
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    button = page.locator("[data-text-size-button]")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after > before * 1.2
    page.reload()
    expect(page.locator("html")).to_have_class("large-type")
    screenshot("home-360-large-type")


def test_search_finds_chinese_words(page, site):
    page.goto("/")
    page.get_by_label("站内搜索").fill("保险销")
    page.get_by_label("站内搜索").press("Enter")
    # Lessons that teach 拔掉保险销 are found with the word marked; the home page never is.
    expect(page.locator(".result mark", has_text="保险销").first).to_be_visible()
    expect(page.locator(".result__title", has_text="消防安全学习平台")).to_have_count(0)
