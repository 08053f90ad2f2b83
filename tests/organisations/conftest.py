import pytest

from organisations.models import Membership, Organisation
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

Kind = Organisation.Kind
Role = Membership.Role


def member(organisation, role=Role.STAFF, **user_fields):
    """A person with a current membership; returns the membership."""
    return MembershipFactory(user=UserFactory(**user_fields), organisation=organisation, role=role)


def coordinator(organisation, username):
    user = UserFactory(username=username, name=f"协调员{username}")
    MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
    return user


@pytest.fixture
def world(db):
    """A small district shaped like the demo, with coordinators and members on every branch."""
    district = OrganisationFactory(name="青浦区", kind=Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Kind.TOWN, parent=district)
    unit = OrganisationFactory(name="示例商业广场", kind=Kind.UNIT, sector="commerce", parent=town)
    school = OrganisationFactory(
        name="示例朱家角小学", kind=Kind.SCHOOL, sector="education", parent=town
    )
    klass = OrganisationFactory(name="三年级（2）班", kind=Kind.CLASS, parent=school)
    other_town = OrganisationFactory(name="练塘镇", kind=Kind.TOWN, parent=district)
    other_unit = OrganisationFactory(
        name="示例练塘工厂", kind=Kind.UNIT, sector="industry", parent=other_town
    )
    other_school = OrganisationFactory(
        name="示例练塘中学", kind=Kind.SCHOOL, sector="education", parent=other_town
    )
    other_class = OrganisationFactory(name="初一（1）班", kind=Kind.CLASS, parent=other_school)
    bureau = OrganisationFactory(
        name="区教育局", kind=Kind.DEPARTMENT, sector="education", parent=district
    )
    elsewhere = OrganisationFactory(name="松江区", kind=Kind.DISTRICT)
    elsewhere_unit = OrganisationFactory(name="示例松江商场", kind=Kind.UNIT, parent=elsewhere)

    orgs = {
        "district": district,
        "town": town,
        "unit": unit,
        "school": school,
        "class": klass,
        "other_town": other_town,
        "other_unit": other_unit,
        "other_school": other_school,
        "other_class": other_class,
        "bureau": bureau,
        "elsewhere": elsewhere,
        "elsewhere_unit": elsewhere_unit,
    }
    # Organisations are kept sorted by name, so adding one can renumber the paths of others.
    for organisation in orgs.values():
        organisation.refresh_from_db()
    people = {
        "district": coordinator(district, "district"),
        "town": coordinator(town, "town"),
        "manager": coordinator(unit, "manager"),
        "teacher": coordinator(klass, "teacher"),
        "edu_dept": coordinator(bureau, "edu_dept"),
    }
    memberships = {
        "unit_staff": member(unit, name="王员工", phone="13800000001", username="13800000001"),
        "class_student": member(klass, Role.STUDENT, name="李学生"),
        "other_unit_staff": member(other_unit, name="赵工人", phone="13800000002"),
        "other_class_student": member(other_class, Role.STUDENT, name="钱学生"),
        "school_teacher": member(school, Role.TEACHER, name="孙老师", phone="13800000003"),
        "elsewhere_staff": member(elsewhere_unit, name="周外区", phone="13800000004"),
    }
    return {"orgs": orgs, "people": people, "memberships": memberships}
