"""The skills sign-off on a 360 px phone: the instructor marks a checked-in learner's skills, and
the learner's 我的学习 shows the practical lesson complete, or offers the next session."""

import pytest
from playwright.sync_api import expect

from courses.models import LessonProgress
from tests.drills.skills.conftest import place  # noqa: F401 - the fixture: a session under way
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def open_sign_off(page, session, axe, found):
    sign_in(page, session.instructor)
    page.goto(f"/drills/sessions/{session.session.pk}/skills/")
    expect(page.get_by_role("heading", level=1)).to_have_text("技能考核")
    fits_the_phone(page)
    found += axe(page)
    page.get_by_role("link", name="示例学员").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("示例学员")
    expect(page.get_by_test_id("signoff-status")).to_contain_text("尚未考核")
    fits_the_phone(page)
    found += axe(page)


def mark(page, skill, verdict):
    card = page.locator("article", has=page.get_by_role("heading", name=skill))
    card.get_by_label(verdict, exact=True).check()
    return card


def test_every_skill_passed_and_the_learner_sees_the_lesson_complete(
    page,
    place,  # noqa: F811
    screenshot,
    axe_violations,
):
    axe, found = axe_violations, []
    open_sign_off(page, place, axe, found)
    for _skill_id, title, _standard in place.lesson.skill_checklist():
        mark(page, title, "达标")
    screenshot("skills-signoff-360")
    page.get_by_role("button", name="保存考核结果").click()
    expect(page.get_by_text("示例学员 全部技能达标，本课已完成。")).to_be_visible()
    expect(page.get_by_test_id("roster")).to_contain_text("全部达标")
    found += axe(page)
    assert LessonProgress.objects.filter(
        enrolment__user=place.learner, lesson=place.lesson, completed_at__isnull=False
    ).exists()

    sign_in(page, place.learner)
    page.goto("/learn/")
    # The course's only lesson is done: the course is complete, with its certificate.
    certificates = page.get_by_role("region", name="我的证书")
    expect(certificates).to_contain_text("灭火器和消火栓的使用")
    expect(certificates).to_contain_text("有效")
    fits_the_phone(page)
    found += axe(page)
    screenshot("skills-learn-complete-360")
    assert not found, found


def test_a_skill_not_passed_and_the_learner_is_offered_the_next_session(
    page,
    place,  # noqa: F811
    screenshot,
    axe_violations,
):
    axe, found = axe_violations, []
    open_sign_off(page, place, axe, found)
    skills = [title for _id, title, _standard in place.lesson.skill_checklist()]
    for title in skills:
        card = mark(page, title, "达标" if title != "提、拔、握、压" else "未达标")
        if title == "提、拔、握、压":
            card.get_by_label("说明").fill("先压后拔，顺序错误")
    page.get_by_role("button", name="保存考核结果").click()
    expect(page.get_by_test_id("roster")).to_contain_text("1项未达标")
    page.get_by_role("link", name="示例学员").click()
    expect(page.get_by_test_id("next-session")).to_be_visible()
    expect(page.get_by_text("先压后拔，顺序错误").first).to_be_visible()
    fits_the_phone(page)
    found += axe(page)
    screenshot("skills-signoff-failed-360")

    sign_in(page, place.learner)
    page.goto("/learn/")
    notice = page.get_by_role("link", name="技能考核尚未全部达标：手提式灭火器实操")
    expect(notice).to_have_attribute("href", "/drills/sessions/")
    assert not LessonProgress.objects.filter(
        enrolment__user=place.learner, lesson=place.lesson, completed_at__isnull=False
    ).exists()
    fits_the_phone(page)
    found += axe(page)
    screenshot("skills-learn-offered-360")
    assert not found, found
