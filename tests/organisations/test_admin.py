"""Wagtail admin for organisations: browse the tree, search, add, move, deactivate."""

import pytest

from django.urls import reverse

from organisations.models import Membership, Organisation
from organisations.validators import credit_code_check_character
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, world):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def form_data(organisation, **changes):
    parent = organisation.get_parent()
    data = {
        "parent": parent.pk if parent else "",
        "name": organisation.name,
        "kind": organisation.kind,
        "sector": organisation.sector,
        "place_types": "",
        "credit_code": organisation.credit_code,
        "address": organisation.address,
        "is_active": "on" if organisation.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_listing_reads_as_a_tree_and_searches_by_name(admin_client, world):
    response = admin_client.get(reverse("organisation_admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("青浦区") < html.index("└ 朱家角镇") < html.index("示例商业广场")
    found = admin_client.get(reverse("organisation_admin:index"), {"q": "练塘"})
    assert "示例练塘工厂" in found.content.decode()
    assert "示例商业广场" not in found.content.decode()


def test_adding_an_organisation_under_a_parent_with_place_types(admin_client, world):
    town = world["orgs"]["town"]
    first_17 = "91310118MA1G99999"
    code = first_17 + credit_code_check_character(first_17)
    response = admin_client.post(
        reverse("organisation_admin:add"),
        {
            "parent": town.pk,
            "name": "示例新养老院",
            "kind": "unit",
            "sector": "civil_affairs",
            "place_types": "养老机构",
            "credit_code": code.lower(),
            "address": "示例路1号",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = Organisation.objects.get(name="示例新养老院")
    assert created.get_parent() == town
    assert created.credit_code == code
    assert list(created.place_types.names()) == ["养老机构"]


def test_a_bad_credit_code_is_a_form_error(admin_client, world):
    response = admin_client.post(
        reverse("organisation_admin:add"),
        {
            "parent": world["orgs"]["town"].pk,
            "name": "示例甲",
            "kind": "unit",
            "credit_code": "91310118MA1G999990",
        },
    )
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors


def test_moving_a_subtree_keeps_its_members(admin_client, world):
    school = world["orgs"]["school"]
    other_town = world["orgs"]["other_town"]
    student = world["memberships"]["class_student"]
    response = admin_client.post(
        reverse("organisation_admin:edit", args=[school.pk]),
        form_data(school, parent=other_town.pk, place_types="中小学校"),
    )
    assert response.status_code == 302, response.context["form"].errors
    school.refresh_from_db()
    assert school.get_parent() == other_town
    klass = Organisation.objects.get(pk=world["orgs"]["class"].pk)
    assert klass.get_parent() == school
    assert Membership.objects.get(pk=student.pk).organisation == klass
    # The town coordinator no longer sees it; the other town's scope now contains it.
    assert not Organisation.objects.filter(
        pk=klass.pk, path__startswith=world["orgs"]["town"].path
    ).exists()


def test_moving_under_its_own_descendant_is_a_form_error(admin_client, world):
    town = world["orgs"]["town"]
    before = town.path
    response = admin_client.post(
        reverse("organisation_admin:edit", args=[town.pk]),
        form_data(town, parent=world["orgs"]["class"].pk),
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    town.refresh_from_db()
    assert town.path == before


def test_deactivating_and_refusing_to_delete_an_organisation_with_members(admin_client, world):
    unit = world["orgs"]["unit"]
    response = admin_client.post(
        reverse("organisation_admin:edit", args=[unit.pk]), form_data(unit, is_active=None)
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert not unit.is_active
    admin_client.post(reverse("organisation_admin:delete", args=[unit.pk]))
    assert Organisation.objects.filter(pk=unit.pk).exists()


def test_coordinators_without_admin_access_cannot_open_the_admin(client, world):
    client.force_login(world["people"]["town"])
    response = client.get(reverse("organisation_admin:index"))
    assert response.status_code in (302, 403)
