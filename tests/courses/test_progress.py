import pytest

from courses import services
from courses.models import Certificate, Enrolment, LessonPage, LessonProgress
from tests.courses.conftest import make_course
from tests.courses.factories import LessonPageFactory, make_video_lesson
from tests.factories import UserFactory
from tests.quizzes.factories import QuizFactory


@pytest.mark.django_db
def test_finishing_a_reading_lesson_moves_to_the_next(client, course, responsible):
    first, second, _third = course.get_lessons()
    client.force_login(responsible)
    response = client.post(f"/learn/lessons/{first.pk}/complete/")
    assert response.status_code == 302
    assert response["Location"] == second.url
    assert LessonProgress.objects.filter(
        enrolment__user=responsible, lesson=first, completed_at__isnull=False
    ).exists()


@pytest.mark.django_db
def test_clicking_twice_records_one_completion(client, course, responsible):
    lesson = course.get_lessons().first()
    client.force_login(responsible)
    client.post(f"/learn/lessons/{lesson.pk}/complete/")
    client.post(f"/learn/lessons/{lesson.pk}/complete/")
    assert Enrolment.objects.filter(user=responsible, course=course).count() == 1
    assert LessonProgress.objects.filter(lesson=lesson).count() == 1


@pytest.mark.django_db
def test_completion_is_always_for_the_signed_in_person(client, course, responsible):
    other = UserFactory()
    lesson = course.get_lessons().first()
    client.force_login(responsible)
    client.post(f"/learn/lessons/{lesson.pk}/complete/", {"user": other.pk, "user_id": other.pk})
    assert not Enrolment.objects.filter(user=other).exists()
    assert Enrolment.objects.filter(user=responsible).exists()


@pytest.mark.django_db
def test_the_last_lesson_completes_the_course_and_issues_one_certificate(course, responsible):
    for lesson in course.get_lessons():
        services.complete_lesson(responsible, lesson)
        services.complete_lesson(responsible, lesson)
    enrolment = Enrolment.objects.get(user=responsible, course=course)
    assert enrolment.completed_at is not None
    assert enrolment.expires_at is not None
    certificate = Certificate.objects.get(user=responsible)
    assert certificate.holder_name == "张三明"
    assert len(certificate.code) >= 10
    assert not set(certificate.code) & set("0O1IL")


@pytest.mark.django_db
def test_a_course_without_certificate_completes_without_one(course_index, responsible):
    course = make_course(course_index, slug="plain", lessons=1, has_certificate=False)
    services.complete_lesson(responsible, course.get_lessons().first())
    assert Enrolment.objects.get(user=responsible, course=course).completed_at
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_quiz_video_and_practical_lessons_are_not_ticked_by_hand(client, course, responsible):
    client.force_login(responsible)
    quiz = QuizFactory()
    lessons = [
        LessonPageFactory(parent=course, slug=f"k-{kind}", kind=kind, quiz=quiz)
        for kind in ("quiz", "practical")
    ]
    for lesson in [*lessons, make_video_lesson(course, duration=60, slug="k-video")]:
        assert client.post(f"/learn/lessons/{lesson.pk}/complete/").status_code == 404
    assert not LessonProgress.objects.exists()


@pytest.mark.django_db
def test_start_goes_to_the_first_unfinished_lesson(client, course, responsible):
    first, second, _ = course.get_lessons()
    services.complete_lesson(responsible, first)
    client.force_login(responsible)
    response = client.post(f"/learn/courses/{course.pk}/start/")
    assert response["Location"] == second.url


@pytest.mark.django_db
def test_a_lesson_added_later_reopens_nothing_already_completed(course, responsible):
    for lesson in course.get_lessons():
        services.complete_lesson(responsible, lesson)
    LessonPageFactory(parent=course, slug="extra")
    assert Enrolment.objects.get(user=responsible).completed_at is not None
    assert LessonPage.objects.child_of(course).count() == 4
