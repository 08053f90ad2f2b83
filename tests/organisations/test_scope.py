import pytest

from organisations.models import Membership, Organisation
from organisations.scope import get_visible_organisation_or_404, visible_organisations
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

Kind = Organisation.Kind


@pytest.fixture
def district(db):
    district = OrganisationFactory(name="青浦区", kind=Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Kind.TOWN, parent=district)
    other_town = OrganisationFactory(name="练塘镇", kind=Kind.TOWN, parent=district)
    school = OrganisationFactory(name="示例小学", kind=Kind.SCHOOL, sector="education", parent=town)
    klass = OrganisationFactory(name="一年级1班", kind=Kind.CLASS, parent=school)
    unit = OrganisationFactory(name="示例商场", kind=Kind.UNIT, sector="commerce", parent=town)
    other_school = OrganisationFactory(
        name="示例中学", kind=Kind.SCHOOL, sector="education", parent=other_town
    )
    bureau = OrganisationFactory(
        name="区教育局", kind=Kind.DEPARTMENT, sector="education", parent=district
    )
    return {
        "district": district,
        "town": town,
        "other_town": other_town,
        "school": school,
        "class": klass,
        "unit": unit,
        "other_school": other_school,
        "bureau": bureau,
    }


def coordinator_of(organisation):
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.COORDINATOR)
    return user


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_town_coordinator_sees_the_town_subtree_only(district):
    user = coordinator_of(district["town"])
    assert names(visible_organisations(user)) == {"朱家角镇", "示例小学", "一年级1班", "示例商场"}


def test_department_sees_its_sector_in_its_region_with_everything_below(district):
    user = coordinator_of(district["bureau"])
    assert names(visible_organisations(user)) == {"区教育局", "示例小学", "一年级1班", "示例中学"}


def test_people_without_coordinator_role_see_nothing(district):
    user = UserFactory()
    MembershipFactory(user=user, organisation=district["town"], role=Membership.Role.STAFF)
    assert not visible_organisations(user).exists()


def test_an_ended_coordinator_membership_no_longer_counts(district):
    from django.utils import timezone

    user = coordinator_of(district["town"])
    Membership.objects.filter(user=user).update(ended_at=timezone.now())
    assert not visible_organisations(user).exists()


def test_superuser_sees_everything(district):
    user = UserFactory(is_superuser=True)
    assert visible_organisations(user).count() == Organisation.objects.count()


def test_outside_the_scope_is_a_404(district):
    from django.http import Http404

    user = coordinator_of(district["town"])
    assert get_visible_organisation_or_404(user, district["unit"].pk) == district["unit"]
    with pytest.raises(Http404):
        get_visible_organisation_or_404(user, district["other_school"].pk)
    with pytest.raises(Http404):
        get_visible_organisation_or_404(user, "not-a-number")


def test_scope_roots_are_the_top_organisations_of_the_scope(district):
    from organisations.scope import scope_roots

    town = coordinator_of(district["town"])
    assert names(scope_roots(visible_organisations(town))) == {"朱家角镇"}
    bureau = coordinator_of(district["bureau"])
    assert names(scope_roots(visible_organisations(bureau))) == {"区教育局", "示例小学", "示例中学"}


def test_visible_people_are_those_with_a_membership_in_scope(district):
    from organisations.scope import visible_people

    inside = MembershipFactory(organisation=district["unit"]).user
    outside = MembershipFactory(organisation=district["other_school"]).user
    people = set(visible_people(coordinator_of(district["town"])))
    assert inside in people
    assert outside not in people
