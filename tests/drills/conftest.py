from datetime import timedelta
from types import SimpleNamespace

import pytest

from django.utils import timezone

from courses.models import LessonPage
from drills.models import Enrolment, TrainingSession
from organisations.models import Membership, Organisation
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

Role = Membership.Role


def member(organisation, role=Role.STAFF, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def place(home_page):
    """A town with a unit, another town with its unit; a course with a practical lesson."""
    district = OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN, parent=district)
    other_town = OrganisationFactory(name="练塘镇", kind=Organisation.Kind.TOWN, parent=district)
    unit = OrganisationFactory(name="示例商业广场", parent=town)
    neighbour = OrganisationFactory(name="示例客栈", parent=town)
    other_unit = OrganisationFactory(name="示例练塘工厂", parent=other_town)
    course = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=home_page),
        title="手提式灭火器与室内消火栓使用",
        slug="extinguisher",
    )
    reading = LessonPageFactory(parent=course, title="灭火器的种类", slug="classes")
    lesson = LessonPageFactory(
        parent=course, title="现场实操", slug="hands-on", kind=LessonPage.Kind.PRACTICAL
    )
    return SimpleNamespace(
        district=district,
        town=town,
        other_town=other_town,
        unit=unit,
        neighbour=neighbour,
        other_unit=other_unit,
        course=course,
        reading=reading,
        lesson=lesson,
        unit_lead=member(unit, Role.COORDINATOR, name="示例单位协调员"),
        town_lead=member(town, Role.COORDINATOR, name="示例镇协调员"),
        other_town_lead=member(other_town, Role.COORDINATOR, name="示例练塘协调员"),
        instructor=member(unit, Role.MANAGER, name="示例教员"),
        learner=member(unit, Role.STAFF, name="示例店员", email="staff@example.com"),
        second=member(unit, Role.STAFF, name="示例收银员"),
        third=member(unit, Role.OPERATOR, name="示例值班员"),
        neighbour_staff=member(neighbour, Role.STAFF, name="示例客栈员工"),
        outsider=member(other_unit, Role.STAFF, name="示例练塘员工"),
    )


@pytest.fixture
def make_session(place):
    def make(**overrides):
        now = timezone.now()
        instructors = overrides.pop("instructors", [place.instructor])
        fields = {
            "lesson": place.lesson,
            "organisation": place.unit,
            "open_to": place.unit,
            "starts_at": now + timedelta(days=3),
            "ends_at": now + timedelta(days=3, hours=2),
            "signup_deadline": now + timedelta(days=2),
            "place": "商业广场一楼消防控制室门前空地",
            "capacity": 20,
            "created_by": place.unit_lead,
        } | overrides
        session = TrainingSession.objects.create(**fields)
        session.instructors.set(instructors)
        return session

    return make


@pytest.fixture
def enrol():
    def add(session, user, state=Enrolment.State.CONFIRMED, **fields):
        return Enrolment.objects.create(session=session, user=user, state=state, **fields)

    return add


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
