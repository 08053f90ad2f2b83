"""The result page after a course's quiz: a pass that completes the course is a finish."""

import pytest

from django.urls import reverse

from courses import services
from courses.models import Certificate
from quizzes import services as quiz_services
from tests.courses.factories import LessonPageFactory
from tests.quizzes.conftest import right_answers
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_lesson(course):
    quiz = QuizFactory(
        questions=[QuestionFactory(right="A"), QuestionFactory(right="A")],
        pass_mark=100,
        attempts_allowed=2,
        review_policy="explanations",
    )
    return LessonPageFactory(parent=course, slug="quiz", kind="quiz", quiz=quiz, title="测验")


def take(client, user, lesson, capture, *, right=True):
    attempt = quiz_services.start_attempt(user, lesson.quiz)
    answers = right_answers(attempt)
    if not right:
        answers[str(attempt.question_ids[0])] = []
    with capture(execute=True):
        quiz_services.submit_attempt(attempt, answers)
    client.force_login(user)
    return attempt, client.get(reverse("quizzes:result", args=[attempt.pk]))


def test_a_pass_that_completes_the_course_shows_the_certificate_and_my_learning(
    client, course, quiz_lesson, responsible, django_capture_on_commit_callbacks
):
    for lesson in course.get_lessons():
        if lesson.pk != quiz_lesson.pk:
            services.complete_lesson(responsible, lesson)
    _attempt, response = take(client, responsible, quiz_lesson, django_capture_on_commit_callbacks)
    html = response.content.decode()
    certificate = Certificate.objects.get(user=responsible)
    assert "课程已完成" in html and course.title in html
    assert reverse("courses:verify", args=[certificate.code]) in html
    assert reverse("courses:certificate_pdf", args=[certificate.code]) in html
    assert f'class="button button--primary" href="{reverse("courses:learn")}"' in html
    assert reverse("quizzes:start", args=[quiz_lesson.quiz.slug]) not in html


def test_a_pass_with_lessons_left_says_the_course_goes_on(
    client, course, quiz_lesson, responsible, django_capture_on_commit_callbacks
):
    _, response = take(client, responsible, quiz_lesson, django_capture_on_commit_callbacks)
    html = response.content.decode()
    assert "课程已完成" not in html and course.url in html
    assert not Certificate.objects.filter(user=responsible).exists()


def test_a_fail_with_attempts_left_offers_a_retry_first(
    client, quiz_lesson, responsible, django_capture_on_commit_callbacks
):
    start = reverse("quizzes:start", args=[quiz_lesson.quiz.slug])
    _, response = take(
        client, responsible, quiz_lesson, django_capture_on_commit_callbacks, right=False
    )
    html = response.content.decode()
    assert f'action="{start}"' in html and "课程已完成" not in html
    assert 'class="button button--primary">再做一次' in html


def test_a_fail_with_no_attempts_left_offers_no_retry(
    client, quiz_lesson, responsible, django_capture_on_commit_callbacks
):
    start = reverse("quizzes:start", args=[quiz_lesson.quiz.slug])
    take(client, responsible, quiz_lesson, django_capture_on_commit_callbacks, right=False)
    _, response = take(
        client, responsible, quiz_lesson, django_capture_on_commit_callbacks, right=False
    )
    html = response.content.decode()
    assert start not in html and "没有剩余" in html


def test_only_the_wrong_answers_with_a_query_parameter(
    client, quiz_lesson, responsible, django_capture_on_commit_callbacks
):
    attempt, full = take(
        client, responsible, quiz_lesson, django_capture_on_commit_callbacks, right=False
    )
    assert full.content.decode().count("quiz-review--") == 2
    assert "?wrong=1" in full.content.decode()
    url = reverse("quizzes:result", args=[attempt.pk])
    wrong = client.get(url, {"wrong": "1"}).content.decode()
    assert wrong.count("quiz-review--wrong") == 1 and "quiz-review--right" not in wrong
    assert client.get(url, {"wrong": "x"}).status_code == 200
