from datetime import timedelta
from types import SimpleNamespace

import pytest

from django.utils import timezone

from courses.models import CoursePage, LessonPage
from organisations.models import Membership, Organisation
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.factories import EnrolmentFactory, TrainingSessionFactory, UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

Role = Membership.Role
SKILLS = [
    ("检查压力表与保险销", "指出压力表指针在绿区，确认保险销和铅封完好。"),
    ("提、拔、握、压", "按顺序完成提、拔、握、压。"),
    ("对准火焰根部由近及远左右扫射", "对准火焰根部，由近及远、左右扫射。"),
]


def member(organisation, role, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def practical_lesson(course, slug="extinguisher-practice", skills=SKILLS):
    lesson = LessonPageFactory(
        parent=course,
        slug=slug,
        title="手提式灭火器实操",
        kind=LessonPage.Kind.PRACTICAL,
        skills=[("skill", {"title": title, "standard": standard}) for title, standard in skills],
    )
    return LessonPage.objects.get(pk=lesson.pk)


def skill_ids(lesson):
    return [skill_id for skill_id, _title, _standard in lesson.skill_checklist()]


def session_of(place, starts_in=timedelta(hours=-1), **kwargs):
    kwargs.setdefault("organisation", place.town)
    kwargs.setdefault("instructors", [place.instructor])
    starts_at = timezone.now() + starts_in
    return TrainingSessionFactory(
        lesson=place.lesson,
        starts_at=starts_at,
        signup_deadline=starts_at - timedelta(days=1),
        **kwargs,
    )


@pytest.fixture
def place(home_page):
    """A town with a unit, a course whose only lesson is a practical one with three skills, a
    session of it under way (started an hour ago) and a learner checked in to it."""
    district = OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN, parent=district)
    other_town = OrganisationFactory(name="练塘镇", kind=Organisation.Kind.TOWN, parent=district)
    unit = OrganisationFactory(name="示例商业广场", parent=town)
    course = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=home_page),
        slug="extinguisher",
        title="灭火器和消火栓的使用",
        has_certificate=True,
        audience_roles=[],
    )
    course = CoursePage.objects.get(pk=course.pk)
    place = SimpleNamespace(
        district=district,
        town=town,
        other_town=other_town,
        unit=unit,
        course=course,
        lesson=practical_lesson(course),
        instructor=member(town, Role.VOLUNTEER, name="示例教练"),
        learner=member(unit, Role.STAFF, name="示例学员"),
        town_lead=member(town, Role.COORDINATOR, name="示例镇协调员"),
        other_town_lead=member(other_town, Role.COORDINATOR, name="示例练塘协调员"),
        stranger=member(unit, Role.STAFF, name="示例路人"),
    )
    place.session = session_of(place)
    place.enrolment = EnrolmentFactory(session=place.session, user=place.learner, checked_in=True)
    return place


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
