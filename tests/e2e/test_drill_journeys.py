"""A hands-on training session on a 360 px phone: sign up from 我的学习, check in by the QR code,
the instructor signs off every skill, and the learner's practical lesson is complete."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from courses.models import LessonPage, LessonProgress
from drills.models import Enrolment, TrainingSession
from organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def todays_session():
    """A session of the demo practical lesson later today at the demo unit, taught by `town`."""
    now = timezone.now()
    starts = now + timedelta(minutes=30)
    if timezone.localdate(starts) != timezone.localdate(now):  # just before midnight
        starts = now + timedelta(minutes=2)
    unit = Organisation.objects.get(name="示例朱家角商业广场")
    lesson = LessonPage.objects.get(slug="hands-on-session", kind="practical")
    session = TrainingSession.objects.create(
        lesson=lesson,
        organisation=unit,
        open_to=unit,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        signup_deadline=starts,
        place="示例朱家角商业广场一楼中庭",
        capacity=5,
    )
    session.instructors.set([User.objects.get(username="town")])
    return session


def test_a_learner_signs_up_checks_in_by_the_qr_code_and_is_signed_off_on_every_skill(
    page, demo, screenshot, axe_violations, time_machine
):
    session = todays_session()
    found = []

    # The staff member needs the course's practical lesson: 我的学习 offers today's session.
    sign_in(page, "staff")
    page.goto("/learn/")
    offers = page.get_by_test_id("training-sessions")
    expect(offers).to_contain_text("示例朱家角商业广场一楼中庭")
    found += axe_violations(page)
    fits_the_phone(page)
    offer = offers.get_by_test_id("session-offer").filter(has_text="一楼中庭")
    offer.get_by_role("button", name="报名", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("您已报名")
    expect(offer.get_by_role("button", name="取消报名")).to_be_visible()
    screenshot("drill-signed-up-360")

    # The instructor shows the rotating code on the venue's screen.
    sign_in(page, "town")
    page.goto(f"/drills/sessions/{session.pk}/checkin/")
    expect(page.get_by_test_id("checkin-qr").locator("svg")).to_be_visible()
    url = page.get_by_test_id("checkin-url").inner_text()
    assert f"/drills/sessions/{session.pk}/check-in/" in url
    found += axe_violations(page)
    fits_the_phone(page)
    screenshot("drill-checkin-qr-360")

    # The learner's camera opens the code's address: they are checked in.
    sign_in(page, "staff")
    page.goto(url)
    expect(page.get_by_test_id("checkin-result")).to_contain_text("签到成功")
    found += axe_violations(page)
    enrolment = Enrolment.objects.get(session=session, user__username="staff")
    assert enrolment.attendance == "present" and enrolment.checked_in_by is None

    # The instructor's roster shows them present, checked in by the code.
    sign_in(page, "town")
    page.goto(f"/drills/sessions/{session.pk}/")
    row = page.get_by_test_id("roster").get_by_role("row").filter(has_text="示例赵店员")
    expect(row).to_contain_text("到场")
    expect(row).to_contain_text("扫码")
    found += axe_violations(page)
    fits_the_phone(page)
    screenshot("drill-roster-360")

    # The session is under way: the instructor signs off every skill on the phone.
    time_machine.move_to(session.starts_at + timedelta(minutes=20))
    page.goto(f"/drills/sessions/{session.pk}/skills/")
    page.get_by_role("link", name="示例赵店员").click()
    for _skill_id, title, _standard in session.lesson.skill_checklist():
        card = page.locator("article", has=page.get_by_role("heading", name=title))
        card.get_by_label("达标", exact=True).check()
    found += axe_violations(page)
    fits_the_phone(page)
    screenshot("drill-signoff-360")
    page.get_by_role("button", name="保存考核结果").click()
    expect(page.get_by_text("示例赵店员 全部技能达标，本课已完成。")).to_be_visible()
    done = LessonProgress.objects.filter(
        enrolment__user__username="staff", lesson=session.lesson, completed_at__isnull=False
    )
    assert done.exists()

    # The learner's 我的学习 no longer offers sessions of a lesson they have completed.
    sign_in(page, "staff")
    page.goto("/learn/")
    expect(page.get_by_test_id("training-sessions")).to_have_count(0)
    fits_the_phone(page)
    assert found == [], "\n".join(found)
