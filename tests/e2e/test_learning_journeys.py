import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from django.core.management import call_command

from courses.models import CourseIndexPage
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def course():
    call_command("load_demo")
    index = CourseIndexPage.objects.get()
    course = CoursePageFactory(
        parent=index,
        title="灭火器使用入门",
        slug="extinguisher-basics",
        has_certificate=True,
        validity_months=12,
        audience_roles=["staff"],
    )
    for number, title in enumerate(["认识灭火器", "提、拔、握、压"], start=1):
        LessonPageFactory(
            parent=course,
            title=title,
            slug=f"lesson-{number}",
            body=[{"type": "paragraph", "value": "<p>拔掉保险销，对准火焰根部。</p>"}],
        )
    return course


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_learner_finishes_a_course_downloads_and_verifies_the_certificate(
    page, course, live_server, screenshot
):
    UserFactory(username="13800004444", name="李小红")
    sign_in(page, "13800004444")
    page.goto("/courses/extinguisher-basics/")
    page.get_by_role("button", name="开始学习").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("认识灭火器")
    screenshot("lesson-360")
    page.get_by_role("button", name="我已学完").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("提、拔、握、压")
    page.get_by_role("button", name="我已学完").click()
    expect(page.get_by_text("恭喜，您已完成本课程")).to_be_visible()
    screenshot("course-completed-360")

    page.goto("/learn/")
    expect(page.get_by_role("heading", name="我的证书")).to_be_visible()
    screenshot("learn-360")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "李小红" in text
    verify_url = re.search(r"https?://\S+/certificates/verify/\w+/", text).group(0)

    page.goto(verify_url)
    expect(page.locator(".verify__status")).to_have_text("有效")
    expect(page.get_by_text("李*红")).to_be_visible()
    screenshot("certificate-verify-360")


def test_learn_page_at_desktop_width(browser, live_server, course, screenshot):
    UserFactory(username="13800005555", name="王大伟")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = context.new_page()
    sign_in(page, "13800005555")
    page.goto("/courses/")
    expect(page.get_by_text("灭火器使用入门")).to_be_visible()
    page.screenshot(path="test-artifacts/courses-1280.png", full_page=True)
    page.goto("/courses/extinguisher-basics/")
    page.screenshot(path="test-artifacts/course-1280.png", full_page=True)
    context.close()
