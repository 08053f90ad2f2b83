"""What an editor's re-grade means for enrolments, lessons and certificates (docs/quizzes.md)."""

import pytest

from courses import services
from courses.models import Certificate, Enrolment, LessonProgress
from quizzes import regrading
from quizzes import services as quiz_services
from quizzes.models import Choice
from tests.courses.factories import LessonPageFactory
from tests.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mistaken():
    """Keyed A by mistake; B is right."""
    return QuestionFactory(right="A")


@pytest.fixture
def quiz_lesson(course, mistaken):
    quiz = QuizFactory(questions=[mistaken, QuestionFactory(right="A")], pass_mark=100)
    return LessonPageFactory(parent=course, slug="quiz", kind="quiz", quiz=quiz, title="测验")


def take(user, lesson, first_letter, capture):
    quiz = lesson.quiz
    attempt = quiz_services.start_attempt(user, quiz)
    answers = {}
    for question in (q.question for q in quiz.fixed_questions.all()):
        letter = first_letter if answers == {} else "A"
        answers[str(question.pk)] = [question.choices.order_by("sort_order")["AB".index(letter)].pk]
    with capture(execute=True):
        attempt, _graded = quiz_services.submit_attempt(attempt, answers)
    return attempt


def fix_and_regrade(question, capture):
    Choice.objects.filter(question=question).update(is_correct=False)
    question.choices.filter(sort_order=1).update(is_correct=True)
    with capture(execute=True):
        return regrading.regrade_question(question, UserFactory(is_superuser=True))


def finish_other_lessons(user, course, quiz_lesson):
    for lesson in course.get_lessons():
        if lesson.pk != quiz_lesson.pk:
            services.complete_lesson(user, lesson)


def test_a_regrade_that_makes_an_attempt_pass_completes_the_lesson_and_certifies(
    course, quiz_lesson, mistaken, responsible, django_capture_on_commit_callbacks
):
    finish_other_lessons(responsible, course, quiz_lesson)
    attempt = take(responsible, quiz_lesson, "B", django_capture_on_commit_callbacks)
    assert not attempt.passed
    enrolment = Enrolment.objects.get(user=responsible, course=course)
    assert enrolment.best_score == 50 and enrolment.completed_at is None

    fix_and_regrade(mistaken, django_capture_on_commit_callbacks)
    enrolment.refresh_from_db()
    assert enrolment.best_score == 100
    assert LessonProgress.objects.filter(
        enrolment=enrolment, lesson=quiz_lesson, completed_at__isnull=False
    ).exists()
    assert enrolment.completed_at is not None
    assert Certificate.objects.filter(user=responsible, revoked_at__isnull=True).exists()


def test_a_regrade_that_fails_a_pass_lowers_the_best_score_but_keeps_the_certificate(
    client, course, quiz_lesson, mistaken, responsible, django_capture_on_commit_callbacks
):
    finish_other_lessons(responsible, course, quiz_lesson)
    attempt = take(responsible, quiz_lesson, "A", django_capture_on_commit_callbacks)
    assert attempt.passed
    certificate = Certificate.objects.get(user=responsible)

    plan = fix_and_regrade(mistaken, django_capture_on_commit_callbacks)
    assert [(item.old_passed, item.new_passed) for item in plan] == [(True, False)]
    enrolment = Enrolment.objects.get(user=responsible, course=course)
    assert enrolment.best_score == 50
    assert enrolment.completed_at is not None
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    page = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "有效" in page
