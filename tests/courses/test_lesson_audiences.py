"""Lesson sections for one audience: a primary pupil reads plain words, not the teachers' notes."""

import pytest

from django.core.management import call_command

from courses.models import LessonPage
from organisations.models import Membership
from organisations.school_stages import PRIMARY, SECONDARY, class_stage
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

from .conftest import make_course

Role = Membership.Role
FOR_ALL = "火不是玩具，大家都要记住。"
PRIMARY_TEXT = "小朋友看到着火，赶快跑，告诉大人。"
SECONDARY_TEXT = "宿舍里不使用大功率电器。"
TEACHER_TEXT = "中小学校每月至少组织一次应急疏散演练。"


def section(audience, text):
    return {
        "type": "section",
        "value": {
            "audience": audience,
            "content": [{"type": "paragraph", "value": f"<p>{text}</p>"}],
        },
    }


@pytest.fixture
def lesson(course_index):
    course = make_course(
        course_index, lessons=0, slug="first-lesson", audience_roles=["student", "teacher"]
    )
    lesson = LessonPage(
        title="安全约定",
        slug="rules",
        body=[
            {"type": "paragraph", "value": f"<p>{FOR_ALL}</p>"},
            section("primary", PRIMARY_TEXT),
            section("secondary", SECONDARY_TEXT),
            section("teachers", TEACHER_TEXT),
        ],
    )
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def classes(db):
    primary_school = OrganisationFactory(name="示例朱家角小学", kind="school")
    middle_school = OrganisationFactory(name="示例夏阳中学", kind="school")
    return {
        "grade3": OrganisationFactory(name="三年级（2）班", kind="class", parent=primary_school),
        "grade8": OrganisationFactory(name="初二（3）班", kind="class", parent=middle_school),
        "unnamed": OrganisationFactory(name="飞翔班", kind="class", parent=middle_school),
        "odd": OrganisationFactory(name="兴趣班", kind="class"),
    }


def member(organisation, role):
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def read(client, user, lesson):
    client.force_login(user)
    response = client.get(lesson.url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_grade_3_pupil_reads_the_primary_section_only(client, lesson, classes):
    page = read(client, member(classes["grade3"], Role.STUDENT), lesson)
    assert FOR_ALL in page and PRIMARY_TEXT in page
    assert SECONDARY_TEXT not in page
    assert TEACHER_TEXT not in page
    assert "写给" not in page  # nothing to mark: everything shown is theirs


@pytest.mark.django_db
def test_a_grade_8_pupil_reads_the_secondary_section_only(client, lesson, classes):
    page = read(client, member(classes["grade8"], Role.STUDENT), lesson)
    assert FOR_ALL in page and SECONDARY_TEXT in page
    assert PRIMARY_TEXT not in page
    assert TEACHER_TEXT not in page


@pytest.mark.django_db
def test_a_teacher_reads_the_teachers_section_and_every_section_is_marked(client, lesson, classes):
    page = read(client, member(classes["grade3"], Role.TEACHER), lesson)
    assert TEACHER_TEXT in page
    assert PRIMARY_TEXT in page and SECONDARY_TEXT in page
    for label in ("写给：小学同学", "写给：中学同学", "写给：老师"):
        assert label in page


@pytest.mark.django_db
def test_a_pupil_whose_class_names_no_grade_gets_the_school_stage_or_everything(
    client, lesson, classes
):
    page = read(client, member(classes["unnamed"], Role.STUDENT), lesson)  # 示例夏阳中学
    assert SECONDARY_TEXT in page and PRIMARY_TEXT not in page
    page = read(client, member(classes["odd"], Role.STUDENT), lesson)  # nothing tells
    assert PRIMARY_TEXT in page and SECONDARY_TEXT in page and "写给：小学同学" in page


@pytest.mark.django_db
def test_a_former_pupil_and_a_visitor_see_every_section_marked(client, lesson, classes):
    from django.utils import timezone

    former = member(classes["grade3"], Role.STUDENT)
    former.memberships.update(ended_at=timezone.now())
    page = read(client, former, lesson)
    assert SECONDARY_TEXT in page and "写给：中学同学" in page
    client.logout()
    page = client.get(lesson.url).content.decode()
    assert PRIMARY_TEXT in page and SECONDARY_TEXT in page and TEACHER_TEXT in page
    assert "写给：老师" in page


@pytest.mark.django_db
def test_an_editors_preview_shows_every_section_marked(client, lesson, classes):
    editor = UserFactory(is_superuser=True, is_staff=True)
    # An editor who is also a pupil's parent in a class would otherwise see only a part.
    MembershipFactory(user=editor, organisation=classes["grade3"], role=Role.STUDENT)
    client.force_login(editor)
    response = client.get(f"/admin/pages/{lesson.pk}/view_draft/")
    assert response.status_code == 200
    page = response.content.decode()
    assert SECONDARY_TEXT in page and TEACHER_TEXT in page and "写给：老师" in page


@pytest.mark.parametrize(
    ("class_name", "school_name", "stage"),
    [
        ("三年级（2）班", "", PRIMARY),
        ("6年级1班", "", PRIMARY),
        ("初一（1）班", "", SECONDARY),
        ("七年级4班", "示例小学", SECONDARY),
        ("高二（1）班", "", SECONDARY),
        ("飞翔班", "示例朱家角小学", PRIMARY),
        ("飞翔班", "示例学校", None),
    ],
)
def test_class_stage_reads_the_grade_from_the_names(class_name, school_name, stage):
    assert class_stage(class_name, school_name) == stage


@pytest.mark.django_db
def test_the_demo_grade_3_pupil_reads_plain_words_in_the_campaign_course(client):
    call_command("load_demo")
    lesson = LessonPage.objects.get(slug="middle-school-and-teachers")
    from accounts.models import User

    page = read(client, User.objects.get(username="student"), lesson)
    assert "小学同学：回家也要记住" in page
    assert "初中同学" not in page
    assert "《中华人民共和国消防法》" not in page
    page = read(client, User.objects.get(username="teacher"), lesson)
    assert "老师：教学和演练要求" in page and "《中华人民共和国消防法》" in page
