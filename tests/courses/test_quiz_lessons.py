from unittest import mock

import pytest

from django.db import OperationalError
from django.urls import reverse

from courses import services as course_services
from courses.models import Enrolment, LessonProgress
from quizzes import services as quiz_services
from quizzes.models import Question
from tests.courses.conftest import make_course
from tests.courses.factories import LessonPageFactory
from tests.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory


@pytest.fixture
def quiz(db):
    return QuizFactory(questions=[QuestionFactory(right="B") for _ in range(2)], pass_mark=100)


@pytest.fixture
def quiz_lesson(course, quiz):
    return LessonPageFactory(parent=course, slug="quiz", kind="quiz", quiz=quiz, title="测验")


def take(user, quiz, right, django_capture_on_commit_callbacks):
    attempt = quiz_services.start_attempt(user, quiz)
    answers = {}
    for question in Question.objects.filter(pk__in=attempt.question_ids):
        choices = list(question.choices.order_by("sort_order"))
        chosen = choices[1] if right else choices[0]
        answers[question.pk] = [chosen.pk]
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _graded = quiz_services.submit_attempt(attempt, answers)
    return attempt


@pytest.mark.django_db
def test_passing_the_quiz_completes_the_lesson(
    quiz, quiz_lesson, responsible, django_capture_on_commit_callbacks
):
    attempt = take(responsible, quiz, True, django_capture_on_commit_callbacks)
    assert attempt.passed
    assert LessonProgress.objects.filter(
        enrolment__user=responsible, lesson=quiz_lesson, completed_at__isnull=False
    ).exists()


@pytest.mark.django_db
def test_failing_the_quiz_leaves_the_lesson_open(
    quiz, quiz_lesson, responsible, django_capture_on_commit_callbacks
):
    attempt = take(responsible, quiz, False, django_capture_on_commit_callbacks)
    assert not attempt.passed
    assert not LessonProgress.objects.filter(lesson=quiz_lesson).exists()


@pytest.mark.django_db
def test_a_quiz_of_a_course_one_cannot_take_refuses_to_start(client, course_index, quiz):
    private = make_course(course_index, slug="private", lessons=1, audience_only=True)
    LessonPageFactory(parent=private, slug="quiz", kind="quiz", quiz=quiz)
    client.force_login(UserFactory())
    response = client.post(f"/quizzes/{quiz.slug}/start/")
    assert response.status_code == 403
    assert "无权学习" in response.content.decode()
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_a_database_drop_between_grading_and_completion_loses_no_completion(
    client, quiz, quiz_lesson, responsible
):
    """PostgreSQL restarts just after the grade is written: the learner sees the 503 and submits
    again, and the lesson is completed (the grade and the completion commit together)."""
    client.force_login(responsible)
    attempt = quiz_services.start_attempt(responsible, quiz)
    sheet = {"form_answers": "1"} | {
        f"q{question.pk}": question.choices.order_by("sort_order")[1].pk
        for question in Question.objects.filter(pk__in=attempt.question_ids)
    }
    url = reverse("quizzes:submit", args=[attempt.pk])
    dropped = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(course_services, "complete_lesson", side_effect=dropped):
        assert client.post(url, sheet).status_code == 503
    attempt.refresh_from_db()
    assert attempt.is_open, "nothing half-written: no grade without its completion"

    assert client.post(url, sheet).status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed
    assert LessonProgress.objects.filter(
        enrolment__user=responsible, lesson=quiz_lesson, completed_at__isnull=False
    ).exists()
