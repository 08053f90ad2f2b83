import pytest

from courses.models import CoursePage
from organisations.models import Membership
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def course_index(home_page):
    return CourseIndexPageFactory(parent=home_page)


def make_course(index, lessons=3, **kwargs):
    course = CoursePageFactory(parent=index, **kwargs)
    for number in range(1, lessons + 1):
        LessonPageFactory(parent=course, title=f"第{number}课", slug=f"lesson-{number}")
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def course(course_index):
    return make_course(course_index, slug="responsible", has_certificate=True, validity_months=12)


@pytest.fixture
def district(db):
    district = OrganisationFactory(name="青浦区", kind="district")
    town = OrganisationFactory(name="朱家角镇", kind="town", parent=district)
    unit = OrganisationFactory(name="示例商场", kind="unit", parent=town)
    return {"district": district, "town": town, "unit": unit}


@pytest.fixture
def responsible(district):
    user = UserFactory(name="张三明")
    MembershipFactory(user=user, organisation=district["unit"], role=Membership.Role.RESPONSIBLE)
    return user


# Targeted refresher training (tests/courses/test_lesson_assignments.py, test_refresher_report.py)


@pytest.fixture
def march(time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)


@pytest.fixture
def lesson(course):
    return course.get_lessons().first().specific


@pytest.fixture
def manager(district):
    user = UserFactory(name="示例管理人")
    MembershipFactory(user=user, organisation=district["unit"], role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def coordinators(district):
    """The coordinators of the unit's town and of another town."""
    town_lead = UserFactory(name="示例镇协调员")
    MembershipFactory(user=town_lead, organisation=district["town"], role="coordinator")
    other_town = OrganisationFactory(name="练塘镇", kind="town", parent=district["district"])
    other_lead = UserFactory(name="示例练塘协调员")
    MembershipFactory(user=other_lead, organisation=other_town, role="coordinator")
    return town_lead, other_lead
