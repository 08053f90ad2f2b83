"""axe-core on the main pages at 360 px and 1280 px, and the header reachable on a phone."""

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from courses.models import CoursePage, LessonPage

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (360, 1280)
NAV_ITEMS = ("首页", "课程", "检查手册", "案例警示", "我的学习", "管理")


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def main_pages():
    course = CoursePage.objects.live().order_by("path").first()
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    return ["/", course.url, lesson.url, "/learn/", "/reports/", "/search/?q=灭火器"]


def test_main_pages_have_no_serious_axe_violations(browser, live_server, demo, axe_violations):
    paths = main_pages()
    found = []
    for width in WIDTHS:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}, locale="zh-CN"
        )
        page = context.new_page()
        sign_in(page, "manager")  # a learner who also coordinates: every page has content
        for path in paths:
            assert page.goto(path).status == 200, path
            found += [f"{width}px {line}" for line in axe_violations(page)]
        context.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("large_type", [False, True])
@pytest.mark.parametrize(
    ("account", "items"), [("manager", NAV_ITEMS), ("volunteer", (*NAV_ITEMS[:-1], "我的志愿服务"))]
)
def test_every_navigation_item_is_visible_at_360px(
    page, demo, screenshot, large_type, account, items
):
    sign_in(page, account)
    page.goto("/learn/")
    if large_type:
        page.get_by_role("button", name="大字").click()
        expect(page.locator("html.large-type")).to_be_attached()
    nav = page.get_by_role("navigation", name="主导航")
    if account == "manager":
        expect(nav.get_by_role("link", name="我的志愿服务")).to_have_count(0)
    else:  # a volunteer who coordinates nothing has no 管理 leading to a refusal
        expect(nav.get_by_role("link", name="管理")).to_have_count(0)
    for name in items:
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        box = link.bounding_box()
        # Inside the screen and not scrolled away: seen without any gesture.
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (name, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(f"header-360-{account}{'-large' if large_type else ''}")


def test_the_text_size_button_is_named_on_a_phone(page, demo):
    page.goto("/")
    expect(page.get_by_role("button", name="大字")).to_be_visible()


def test_reports_key_figures_are_on_screen_at_both_widths(browser, live_server, demo):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}, locale="zh-CN"
        )
        page = context.new_page()
        sign_in(page, "district")
        page.goto("/reports/")
        expect(page.get_by_role("heading", name="培训完成情况")).to_be_visible()
        for column in ("完成率", "已逾期"):
            header = page.get_by_role("columnheader", name=column, exact=True)
            box = header.bounding_box()
            assert box["x"] + box["width"] <= width, (width, column, box)
        page.screenshot(path=str(ARTIFACTS / f"reports-{width}.png"), full_page=True)
        context.close()


def test_a_lesson_with_parts_for_audiences_reads_right_and_passes_axe(
    browser, live_server, demo, axe_violations
):
    lesson = LessonPage.objects.get(slug="middle-school-and-teachers")
    found = []
    for width in WIDTHS:
        for account, shown, hidden in (
            ("student", "小学同学：回家也要记住", "初中同学：宿舍和家里的用火用电"),
            ("teacher", "老师：教学和演练要求", None),
        ):
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": width, "height": 900}, locale="zh-CN"
            )
            page = context.new_page()
            sign_in(page, account)
            page.goto(lesson.url)
            expect(page.get_by_role("heading", name=shown)).to_be_visible()
            if hidden:
                expect(page.get_by_role("heading", name=hidden)).to_have_count(0)
            else:  # everything shown is marked with whom it is for
                expect(page.get_by_role("region", name="写给：小学同学")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            found += [f"{width}px {account} {line}" for line in axe_violations(page)]
            context.close()
    assert not found, "\n".join(found)
