"""我的学习 and the lesson and quiz pages as a learner sees them across cycles."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from courses import services
from courses.models import TrainingRequirement
from tests.courses.conftest import make_course
from tests.courses.factories import LessonPageFactory
from tests.courses.test_quiz_lessons import take
from tests.factories import TEST_PASSWORD, UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def yearly(course, district):
    return TrainingRequirement.objects.create(
        course=course,
        organisation=district["district"],
        roles=["responsible"],
        due_date=date(2026, 3, 31),
        renewal_months=12,
    )


def complete(user, course):
    for lesson in course.get_lessons():
        services.complete_lesson(user, lesson)


def learn_page(client, user):
    client.force_login(user)
    response = client.get("/learn/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_an_expired_course_shows_the_new_cycle_at_zero_and_the_expiry(
    client, yearly, course, responsible
):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        complete(responsible, course)
    with time_machine.travel(at(2027, 2, 1, 9), tick=False):
        page = learn_page(client, responsible)
    assert "已过期" in page
    assert "已于 2027-01-10 过期" in page
    assert 'aria-valuenow="0"' in page and 'aria-valuenow="100"' not in page
    assert "复训进度" in page
    assert "开始复训" in page


@pytest.mark.django_db
def test_a_renewal_counts_only_its_own_lessons(client, yearly, course, responsible):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        complete(responsible, course)
    with time_machine.travel(at(2027, 2, 1, 9), tick=False):
        services.start_course(responsible, course)
        services.complete_lesson(responsible, course.get_lessons().first())
        page = learn_page(client, responsible)
    assert 'aria-valuenow="33"' in page
    assert "已完成 100%" not in page


@pytest.mark.django_db
def test_a_completed_current_course_shows_full_progress(client, yearly, course, responsible):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        complete(responsible, course)
        page = learn_page(client, responsible)
    assert 'aria-valuenow="100"' in page


@pytest.mark.django_db
def test_an_unstarted_course_says_start_learning_not_start_the_quiz(
    client, yearly, course, responsible
):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        page = learn_page(client, responsible)
    assert "开始学习" in page
    assert "开始作答" not in page


@pytest.mark.django_db
def test_the_quiz_intro_still_says_start_answering(client, responsible):
    quiz = QuizFactory(questions=[QuestionFactory(right="B")])
    client.force_login(responsible)
    assert "开始作答" in client.get(f"/quizzes/{quiz.slug}/").content.decode()


@pytest.fixture
def quiz_course(course_index):
    quiz = QuizFactory(questions=[QuestionFactory(right="B") for _ in range(2)], pass_mark=100)
    course = make_course(
        course_index, lessons=0, slug="quizzed", has_certificate=True, validity_months=12
    )
    LessonPageFactory(parent=course, slug="quiz", kind="quiz", quiz=quiz, title="测验")
    return course, quiz


@pytest.mark.django_db
def test_quiz_intro_puts_a_lapsed_cycles_attempts_under_history(
    client, quiz_course, responsible, django_capture_on_commit_callbacks
):
    course, quiz = quiz_course
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        take(responsible, quiz, True, django_capture_on_commit_callbacks)
    with time_machine.travel(at(2027, 2, 1, 9), tick=False):
        client.force_login(responsible)
        page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
        current, _sep, history = page.partition('<details class="quiz-history">')
        assert history, "the lapsed attempt is under 历史"
        assert "2026-01-10" not in current and "2026-01-10" in history
        assert "本轮尚无作答记录" in current
        assert "<summary>历史" in history

        services.start_course(responsible, course)
    with time_machine.travel(at(2027, 2, 2, 9), tick=False):
        take(responsible, quiz, False, django_capture_on_commit_callbacks)
        page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
    current, _sep, history = page.partition('<details class="quiz-history">')
    assert "2027-02-02" in current and "2026-01-10" in history


@pytest.mark.django_db
def test_quiz_intro_without_cycles_has_no_history(
    client, quiz_course, responsible, django_capture_on_commit_callbacks
):
    _course, quiz = quiz_course
    take(responsible, quiz, False, django_capture_on_commit_callbacks)
    client.force_login(responsible)
    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
    assert "<details" not in page and "不合格" in page


@pytest.mark.django_db
def test_a_lesson_page_has_a_labelled_course_progress_bar(client, course, responsible):
    lessons = list(course.get_lessons())
    services.complete_lesson(responsible, lessons[0])
    client.force_login(responsible)
    page = client.get(lessons[1].url).content.decode()
    assert "第 2 课，共 3 课" in page
    assert 'role="progressbar"' in page
    assert 'aria-label="课程进度"' in page and 'aria-valuenow="33"' in page


@pytest.mark.django_db
def test_sign_in_with_training_due_lands_on_my_learning(client, yearly, responsible):
    response = client.post(
        "/accounts/login/", {"username": responsible.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/learn/"


@pytest.mark.django_db
def test_sign_in_with_nothing_due_lands_on_the_home_page(client, yearly, course, responsible):
    complete(responsible, course)
    response = client.post(
        "/accounts/login/", {"username": responsible.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/"
    other = UserFactory()
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": other.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [("/handbooks/", "/handbooks/"), ("https://evil.example/", "/learn/"), ("//evil", "/learn/")],
)
@pytest.mark.django_db
def test_sign_in_with_next_goes_there_when_safe(client, yearly, responsible, next_url, landing):
    response = client.post(
        f"/accounts/login/?next={next_url}",
        {"username": responsible.username, "password": TEST_PASSWORD, "next": next_url},
    )
    assert response["Location"] == landing


@pytest.mark.django_db
def test_a_lesson_of_a_lapsed_course_shows_the_renewal_at_zero(client, course, responsible):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        complete(responsible, course)
    with time_machine.travel(at(2027, 2, 1, 9), tick=False):
        client.force_login(responsible)
        page = client.get(course.get_lessons().first().url).content.decode()
    assert 'aria-valuenow="0"' in page


def course_ticks(client, course):
    return client.get(course.url).content.decode().count("syllabus__item--done")


@pytest.mark.django_db
def test_ticks_show_the_current_cycle_while_the_completion_stands(client, course, responsible):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        complete(responsible, course)
    with time_machine.travel(at(2026, 6, 1, 9), tick=False):
        client.force_login(responsible)
        assert course_ticks(client, course) == 3
        lesson_page = client.get(course.get_lessons().first().url).content.decode()
    assert "您已完成本课时" in lesson_page


@pytest.mark.parametrize("lapse", ["course validity", "requirement renewal"])
@pytest.mark.django_db
def test_a_lapsed_course_ticks_no_lesson_of_the_old_cycle(
    client, course, district, responsible, lapse
):
    if lapse == "requirement renewal":
        # The course itself lasts for ever; the requirement wants it every 6 months.
        type(course).objects.filter(pk=course.pk).update(validity_months=None)
        course.refresh_from_db()
        TrainingRequirement.objects.create(
            course=course,
            organisation=district["district"],
            roles=["responsible"],
            due_date=date(2026, 3, 31),
            renewal_months=6,
        )
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        complete(responsible, course)
    with time_machine.travel(at(2027, 2, 1, 9), tick=False):
        client.force_login(responsible)
        course_page = client.get(course.url).content.decode()
        lesson_page = client.get(course.get_lessons().first().url).content.decode()
    assert "syllabus__item--done" not in course_page
    assert "开始复训" in course_page and "2026-01-10" in course_page
    assert "您已完成本课时" not in lesson_page
    assert "我已学完" in lesson_page


@pytest.mark.django_db
def test_a_started_renewal_ticks_only_its_own_lessons(client, yearly, course, responsible):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        complete(responsible, course)
    with time_machine.travel(at(2027, 2, 1, 9), tick=False):
        services.start_course(responsible, course)
        first, second = list(course.get_lessons())[:2]
        services.complete_lesson(responsible, first)
        client.force_login(responsible)
        assert course_ticks(client, course) == 1
        assert "您已完成本课时" in client.get(first.url).content.decode()
        assert "您已完成本课时" not in client.get(second.url).content.decode()


@pytest.mark.django_db
def test_a_requirements_renewal_also_moves_the_quiz_attempts_to_history(
    client, quiz_course, district, responsible, django_capture_on_commit_callbacks
):
    course, quiz = quiz_course
    # The course lasts for ever; the requirement wants it again every 6 months.
    type(course).objects.filter(pk=course.pk).update(validity_months=None)
    TrainingRequirement.objects.create(
        course=course,
        organisation=district["district"],
        roles=["responsible"],
        due_date=date(2026, 3, 31),
        renewal_months=6,
    )
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        take(responsible, quiz, True, django_capture_on_commit_callbacks)
    with time_machine.travel(at(2026, 8, 1, 9), tick=False):
        client.force_login(responsible)
        page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
        course_page = client.get(course.url).content.decode()
    current, _sep, history = page.partition('<details class="quiz-history">')
    assert "2026-01-10" not in current and "2026-01-10" in history
    assert "syllabus__item--done" not in course_page
