from datetime import date

import pytest
from playwright.sync_api import expect

from courses.models import CoursePage, TrainingRequirement
from organisations.models import Membership
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.factories import TEST_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def learner(home_page):
    index = CourseIndexPageFactory(parent=home_page)
    course = CoursePageFactory(parent=index, title="消防安全责任人培训", slug="responsible")
    for number in range(1, 5):
        LessonPageFactory(parent=course, title=f"第{number}课", slug=f"lesson-{number}")
    unit = OrganisationFactory(name="示例商场", kind="unit")
    user = UserFactory(username="13800005555", name="王五")
    MembershipFactory(user=user, organisation=unit, role=Membership.Role.RESPONSIBLE)
    TrainingRequirement.objects.create(
        course=CoursePage.objects.get(pk=course.pk),
        organisation=unit,
        roles=["responsible"],
        due_date=date(2099, 1, 1),
    )
    return user


def within_viewport(page, locator):
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360


def test_a_learner_with_training_due_lands_on_my_learning_and_sees_lesson_progress(
    page, learner, screenshot
):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(learner.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/learn/")
    start = page.get_by_role("button", name="开始学习")
    expect(start).to_be_visible()
    screenshot("learning-states-learn-360")
    start.click()
    bar = page.get_by_role("progressbar", name="课程进度")
    expect(bar).to_be_visible()
    expect(page.get_by_text("第 1 课，共 4 课")).to_be_visible()
    assert within_viewport(page, bar)
    page.get_by_role("button", name="我已学完").click()
    expect(page.get_by_role("progressbar", name="课程进度")).to_have_attribute(
        "aria-valuenow", "25"
    )
    screenshot("learning-states-lesson-360")


def test_a_code_typed_into_the_verify_box_that_matches_nothing_offers_the_box_again(
    page, home_page
):
    page.goto("/certificates/verify/")
    box = page.get_by_label("证书验证码")
    expect(box).to_be_visible()
    assert within_viewport(page, box)
    box.fill("nope12")
    page.get_by_role("button", name="查验").click()
    expect(page.get_by_text("未找到该证书")).to_be_visible()
    expect(page.get_by_label("证书验证码")).to_have_value("NOPE12")
