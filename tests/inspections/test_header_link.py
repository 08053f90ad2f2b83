"""The header links to 巡查检查 for whom /inspections/ holds something, in its one query."""

import pytest

from django.urls import reverse
from django.utils import timezone

from inspections.models import Hazard, RoundNominee
from organisations.models import Membership

from .conftest import Role, member
from .helpers import failed_round

pytestmark = pytest.mark.django_db
LINK = 'href="/inspections/"'


def _sees_link(client, user):
    client.force_login(user)
    return LINK in client.get("/learn/").content.decode()


def test_a_unit_s_leaders_find_self_inspection_in_the_header(client, place):
    assert _sees_link(client, place.manager)
    assert _sees_link(client, place.responsible)


def test_staff_coordinators_and_learners_elsewhere_do_not(client, place):
    assert not _sees_link(client, place.staff)
    assert not _sees_link(client, place.town_lead)
    assert not _sees_link(client, member(place.town, Role.STAFF, name="镇里的人"))


def test_a_named_member_finds_it_while_a_member_and_not_after(client, place):
    RoundNominee.objects.create(unit=place.unit, user=place.staff, named_by=place.manager)
    assert _sees_link(client, place.staff)
    Membership.objects.filter(user=place.staff).update(ended_at=timezone.now())
    assert not _sees_link(client, place.staff)


def test_whoever_must_fix_a_hazard_finds_it_until_it_is_fixed(client, as_user, place):
    failed_round(as_user(place.manager), place, responsible=place.staff)
    assert _sees_link(client, place.staff)
    Hazard.objects.update(state=Hazard.State.RECTIFIED)
    assert not _sees_link(client, place.staff)


def test_the_link_is_marked_current_on_self_inspection_pages(client, place):
    client.force_login(place.manager)
    page = client.get(reverse("inspections:home")).content.decode()
    assert 'href="/inspections/" aria-current="page"' in page


def test_a_leader_of_a_closed_unit_does_not(client, place):
    place.unit.is_active = False
    place.unit.save()
    assert not _sees_link(client, place.manager)
