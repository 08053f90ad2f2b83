from datetime import timedelta
from decimal import Decimal

import pytest

from django.utils import timezone

from organisations.models import Membership, Organisation
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from volunteers.models import ServiceRecord

Role = Membership.Role
TEAM = Organisation.Kind.VOLUNTEER_TEAM


def volunteer_in(team, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=team, role=Role.VOLUNTEER)
    return user


def record(volunteer, team, days_ago=1, status=ServiceRecord.Status.SUBMITTED, **kwargs):
    values = {
        "date": timezone.localdate() - timedelta(days=days_ago),
        "kind": ServiceRecord.Kind.PUBLICITY,
        "hours": Decimal("2.0"),
        "place": "示例社区",
        "description": "示例：消防宣传",
        "submitted_by": volunteer,
    }
    values.update(kwargs)
    return ServiceRecord.objects.create(volunteer=volunteer, team=team, status=status, **values)


@pytest.fixture
def teams(db):
    """Two towns, each with a volunteer team, a coordinator and a volunteer."""
    district = OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT)
    town_a = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN, parent=district)
    town_b = OrganisationFactory(name="练塘镇", kind=Organisation.Kind.TOWN, parent=district)
    team_a = OrganisationFactory(name="示例朱家角志愿队", kind=TEAM, parent=town_a)
    team_b = OrganisationFactory(name="示例练塘志愿队", kind=TEAM, parent=town_b)
    lead_a = UserFactory(name="示例甲队长")
    MembershipFactory(user=lead_a, organisation=team_a, role=Role.COORDINATOR)
    lead_b = UserFactory(name="示例乙队长")
    MembershipFactory(user=lead_b, organisation=team_b, role=Role.COORDINATOR)
    district_lead = UserFactory(name="示例区协调员")
    MembershipFactory(user=district_lead, organisation=district, role=Role.COORDINATOR)
    return {
        "district": district,
        "town_a": town_a,
        "town_b": town_b,
        "a": team_a,
        "b": team_b,
        "lead_a": lead_a,
        "lead_b": lead_b,
        "district_lead": district_lead,
        "vol_a": volunteer_in(team_a, name="示例甲队员"),
        "vol_b": volunteer_in(team_b, name="示例乙队员"),
    }


@pytest.fixture
def course_index(home_page):
    from tests.courses.factories import CourseIndexPageFactory

    return CourseIndexPageFactory(parent=home_page)
