"""我的志愿服务 is one tap away for a volunteer (header and home page), and absent for others."""

import pytest

from django.utils import timezone

from organisations.models import Organisation
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

from .conftest import Role, volunteer_in

MY_SERVICE = 'href="/volunteer/"'


def header(html):
    return html.split('<main id="main"')[0]


def body(html):
    return html.split('<main id="main"')[1]


@pytest.fixture
def team(db):
    town = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN)
    return OrganisationFactory(
        name="示例朱家角志愿队", kind=Organisation.Kind.VOLUNTEER_TEAM, parent=town
    )


@pytest.mark.django_db
def test_a_volunteer_sees_my_service_in_the_header_and_on_the_home_page(client, home_page, team):
    client.force_login(volunteer_in(team))
    html = client.get("/").content.decode()
    assert MY_SERVICE in header(html)
    assert MY_SERVICE in body(html)
    assert "我的志愿服务" in header(html)
    # On every page, not only the home page.
    assert MY_SERVICE in header(client.get("/accounts/messages/").content.decode())


@pytest.mark.django_db
def test_people_who_do_not_serve_now_have_no_link(client, home_page, team):
    unit = OrganisationFactory(name="示例单位", kind=Organisation.Kind.UNIT)
    staff = UserFactory()
    MembershipFactory(user=staff, organisation=unit, role=Role.STAFF)
    former = volunteer_in(team)
    former.memberships.update(ended_at=timezone.now())
    closed_team = OrganisationFactory(
        name="示例已撤销志愿队", kind=Organisation.Kind.VOLUNTEER_TEAM, is_active=False
    )
    of_closed_team = volunteer_in(closed_team)
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, organisation=team, role=Role.COORDINATOR)
    for person in (staff, former, of_closed_team, coordinator):
        client.force_login(person)
        assert MY_SERVICE not in client.get("/").content.decode(), person
        assert MY_SERVICE not in client.get("/learn/").content.decode(), person
    client.logout()
    assert MY_SERVICE not in client.get("/").content.decode()


@pytest.mark.django_db
def test_learn_page_uses_the_same_rule(client, home_page, team):
    client.force_login(volunteer_in(team))
    assert MY_SERVICE in body(client.get("/learn/").content.decode())


@pytest.mark.django_db
def test_the_volunteer_check_costs_one_query_on_the_home_page(
    client, home_page, team, django_assert_max_num_queries
):
    unit = OrganisationFactory(name="示例单位", kind=Organisation.Kind.UNIT)
    staff = UserFactory()
    MembershipFactory(user=staff, organisation=unit, role=Role.STAFF)
    counts = {}
    for name, person in (("volunteer", volunteer_in(team)), ("staff", staff)):
        client.force_login(person)
        client.get("/")  # warm the site and settings caches like a running server
        with django_assert_max_num_queries(12) as captured:
            assert client.get("/").status_code == 200
        counts[name] = len(captured.captured_queries)
        sqls = [query["sql"] for query in captured.captured_queries]
        volunteer_queries = [sql for sql in sqls if "organisations_membership" in sql]
        # Asked once, though both the header and the page body show the link.
        assert len(volunteer_queries) == 1, volunteer_queries
    assert counts["volunteer"] == counts["staff"]


@pytest.mark.django_db
def test_the_header_check_costs_one_query_on_other_pages(
    client, home_page, team, django_assert_max_num_queries
):
    client.force_login(volunteer_in(team))
    client.get("/accounts/messages/")
    with django_assert_max_num_queries(9):
        assert client.get("/accounts/messages/").status_code == 200
