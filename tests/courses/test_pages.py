import pytest

from courses.models import CourseIndexPage, CoursePage, LessonPage
from home.models import HomePage
from organisations.models import Membership
from tests.courses.conftest import make_course
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory


def test_page_types_are_created_only_where_they_belong():
    assert CourseIndexPage.allowed_parent_page_models() == [HomePage]
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert LessonPage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_subpage_models() == []


@pytest.mark.django_db
def test_course_index_filters_by_role_and_tag(client, course_index):
    fire = make_course(
        course_index, title="消控室轮训", slug="operators", audience_roles=["operator"]
    )
    fire.tags.add("消控室")
    fire.save_revision().publish()
    make_course(course_index, title="开学第一课", slug="first", audience_roles=["student"])
    titles = lambda response: [c.title for c in response.context["courses"]]  # noqa: E731
    assert titles(client.get("/courses/")) == ["开学第一课", "消控室轮训"]
    assert titles(client.get("/courses/", {"role": "operator"})) == ["消控室轮训"]
    assert titles(client.get("/courses/", {"tag": "消控室"})) == ["消控室轮训"]
    assert client.get("/courses/", {"role": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_course_page_shows_syllabus_progress_and_continue(client, course, responsible):
    from courses import services

    lessons = list(course.get_lessons())
    services.complete_lesson(responsible, lessons[0])
    client.force_login(responsible)
    page = client.get(course.url).content.decode()
    assert page.count("syllabus__item--done") == 1
    assert "33%" in page
    assert "继续学习" in page and lessons[1].url in page


@pytest.mark.django_db
def test_audience_only_course_is_hidden_from_others(client, course_index, responsible):
    private = make_course(course_index, slug="private", audience_only=True)
    assert client.get(private.url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(private.url).status_code == 404
    lesson = private.get_lessons().first()
    assert client.post(f"/learn/lessons/{lesson.pk}/complete/").status_code == 404
    client.force_login(responsible)
    assert client.get(private.url).status_code == 200
    assert client.get(lesson.url).status_code == 200


@pytest.mark.django_db
def test_lesson_of_an_unpublished_course_is_not_found(client, course, responsible):
    lesson = course.get_lessons().first()
    course.unpublish()
    client.force_login(responsible)
    assert client.get(lesson.url).status_code == 404
    assert client.post(f"/learn/lessons/{lesson.pk}/complete/").status_code == 404


@pytest.mark.django_db
def test_a_draft_lesson_cannot_be_completed(client, course, responsible):
    lesson = course.get_lessons().first()
    lesson.unpublish()
    client.force_login(responsible)
    assert client.post(f"/learn/lessons/{lesson.pk}/complete/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("lessons", [2, 12])
def test_course_and_lesson_pages_run_a_fixed_number_of_queries(
    client, course_index, responsible, django_assert_max_num_queries, lessons
):
    course = make_course(course_index, slug=f"size-{lessons}", lessons=lessons)
    MembershipFactory(
        user=responsible,
        organisation_id=responsible.memberships.first().organisation_id,
        role=Membership.Role.STAFF,
    )
    client.force_login(responsible)
    client.get(course.url)
    with django_assert_max_num_queries(18):
        assert client.get(course.url).status_code == 200
    lesson = course.get_lessons().last()
    client.get(lesson.url)
    with django_assert_max_num_queries(20):
        assert client.get(lesson.url).status_code == 200
