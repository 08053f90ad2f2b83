"""管理 in the header leads somewhere: shown to coordinators, and to visitors (who sign in)."""

import pytest

from django.utils import timezone

from organisations.models import Membership, Organisation
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

MANAGE = 'href="/manage/"'


def header(client, user=None):
    if user is not None:
        client.force_login(user)
    return client.get("/").content.decode().split('<main id="main"')[0]


@pytest.fixture
def unit(db):
    return OrganisationFactory(name="示例单位", kind=Organisation.Kind.UNIT)


def member(organisation, role, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.mark.django_db
def test_coordinators_superusers_and_visitors_see_manage(client, home_page, unit):
    assert MANAGE in header(client)
    assert MANAGE in header(client, member(unit, Membership.Role.COORDINATOR))
    assert MANAGE in header(client, UserFactory(is_superuser=True, is_staff=True))


@pytest.mark.django_db
def test_people_who_coordinate_nothing_do_not_see_manage(client, home_page, unit):
    former = member(unit, Membership.Role.COORDINATOR)
    former.memberships.update(ended_at=timezone.now())
    closed = OrganisationFactory(
        name="示例已注销单位", kind=Organisation.Kind.UNIT, is_active=False
    )
    for person in (
        member(unit, Membership.Role.STAFF),
        member(unit, Membership.Role.STUDENT),
        former,
        member(closed, Membership.Role.COORDINATOR),
    ):
        assert MANAGE not in header(client, person), person
    # The manage area itself still refuses them (the link only follows the same rule).
    assert client.get("/manage/").status_code == 403
