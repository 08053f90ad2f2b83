"""Publishing in a real browser: admin review, sending, acknowledging; and screenshots."""

import re

import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from alerts.models import AlertIndexPage, CaseWarningPage, DispatchRecipient
from organisations.models import Membership, Organisation
from tests.factories import TEST_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "fire-safety-demo"
# The page editor's footer menu holds "submit", "approve" and the other actions.
MENU_TOGGLE = "footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']"


@pytest.fixture
def site():
    call_command("load_demo")


@pytest.fixture
def unit_manager(site):
    town = Organisation.objects.filter(name="朱家角镇").first()
    if town is None:
        district = OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT)
        town = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN, parent=district)
        town = Organisation.objects.get(pk=town.pk)
    unit = OrganisationFactory(name="示例旅游商品店", parent=town, place_types=["人员密集场所"])
    user = UserFactory(username="13900001234", name="赵店长")
    MembershipFactory(user=user, organisation=unit, role=Membership.Role.MANAGER)
    return user


def new_page(browser, live_server, width=360):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def admin_sign_in(page, username):
    # The admin sends people to the site's sign-in, which asks for a second factor if set up.
    page.goto("/admin/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def site_sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def test_alert_goes_from_submission_through_review_to_acknowledgement(
    browser, live_server, unit_manager
):
    index = AlertIndexPage.objects.get()
    draft = CaseWarningPage(
        title="【示例】古镇商铺电动自行车门口充电引发火情",
        slug="zhujiajiao-shop-ebike",
        date="2026-11-20",
        place_type="人员密集场所",
        summary="商铺在门口飞线给电动自行车充电，夜间起火，烟气进入二楼住人区域。",
        what_happened="<p>示例案例，情节为教学虚构。</p>",
        lessons="电动自行车不在门口、楼道充电",
        live=False,
    )
    index.add_child(instance=draft)
    draft.save_revision()

    # The editor submits it for review; they have no way to publish it themselves.
    editor = new_page(browser, live_server, width=1280)
    admin_sign_in(editor, "editor")
    editor.goto(f"/admin/pages/{draft.pk}/edit/")
    expect(editor.locator('button[name="action-publish"]')).to_have_count(0)
    editor.locator(MENU_TOGGLE).first.click()
    editor.locator('button[name="action-submit"]').click()
    expect(editor.locator(".messages")).to_contain_text("审核")
    assert not CaseWarningPage.objects.get(pk=draft.pk).live

    # The reviewer approves it in the admin, which publishes it.
    reviewer = new_page(browser, live_server, width=1280)
    admin_sign_in(reviewer, "reviewer")
    reviewer.goto(f"/admin/pages/{draft.pk}/edit/")
    approve = reviewer.locator(
        'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    ).first
    if not approve.is_visible():
        reviewer.locator(MENU_TOGGLE).first.click()
    approve.click()
    expect(reviewer.locator(".messages")).to_be_visible()
    assert CaseWarningPage.objects.get(pk=draft.pk).live

    # The reviewer sends it to the units of 朱家角镇 from the site's own form.
    reviewer.goto(f"/manage/alerts/{draft.pk}/send/")
    reviewer.get_by_label("发送范围（该组织及其下属）").select_option(label="　朱家角镇")
    reviewer.get_by_label("场所类型").select_option("人员密集场所")
    reviewer.get_by_role("button", name="发送", exact=True).click()
    expect(reviewer.locator(".messages")).to_contain_text("已发送至")
    expect(reviewer.locator(".data-table")).to_contain_text("示例旅游商品店")
    dispatch_url = reviewer.url

    # The unit's manager sees it among the notices and confirms.
    manager = new_page(browser, live_server)
    site_sign_in(manager, "13900001234", TEST_PASSWORD)
    manager.goto("/notices/")
    item = manager.locator(".notice-item", has_text="古镇商铺电动自行车")
    expect(item).to_be_visible()
    item.get_by_role("button", name="已阅知").click()
    expect(manager.locator(".messages")).to_contain_text("已确认阅知")
    expect(manager.locator(".notice-item__done").first).to_contain_text("赵店长")
    manager.screenshot(path=str(ARTIFACTS / "notices-360.png"), full_page=True)
    assert DispatchRecipient.objects.get(organisation__name="示例旅游商品店").acknowledged_by

    # The sender sees the unit as acknowledged, by whom.
    reviewer.goto(f"{dispatch_url}?status=acknowledged")
    row = reviewer.locator(".data-table tr", has_text="示例旅游商品店")
    expect(row).to_contain_text("已阅知")
    expect(row).to_contain_text("赵店长")
    reviewer.screenshot(path=str(ARTIFACTS / "dispatch-status-1280.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_publishing_pages_look_finished(browser, live_server, site, width):
    page = new_page(browser, live_server, width=width)
    shots = [
        ("alerts-index", "/alerts/"),
        ("handbook", "/handbooks/group-rental/"),
        ("handbook-print", "/handbooks/group-rental/print/"),
        ("case-warning", "/alerts/xujing-group-rental-ebike-battery/"),
        ("home-risk-banner", "/"),
    ]
    for name, url in shots:
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("h1").first).to_be_visible()
        # Nothing overflows sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.context.close()
