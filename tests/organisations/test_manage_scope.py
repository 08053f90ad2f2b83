"""The scope matrix: each coordinator against members and organisations in and out of scope."""

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse

from organisations.models import Membership

INSIDE = {
    "district": ["unit_staff", "other_unit_staff", "other_class_student"],
    "town": ["unit_staff", "class_student", "school_teacher"],
    "manager": ["unit_staff"],
    "teacher": ["class_student"],
    "edu_dept": ["class_student", "other_class_student", "school_teacher"],
}
OUTSIDE = {
    "district": ["elsewhere_staff"],
    "town": ["other_unit_staff", "other_class_student"],
    "manager": ["school_teacher", "class_student"],
    "teacher": ["unit_staff", "school_teacher"],
    "edu_dept": ["unit_staff", "other_unit_staff"],
}
ORG_INSIDE = {
    "district": ["district", "other_unit", "bureau"],
    "town": ["town", "unit", "class"],
    "manager": ["unit"],
    "teacher": ["class"],
    "edu_dept": ["bureau", "school", "other_class"],
}
ORG_OUTSIDE = {
    "district": ["elsewhere", "elsewhere_unit"],
    "town": ["district", "other_town", "other_unit"],
    "manager": ["town", "school"],
    "teacher": ["school", "unit"],
    "edu_dept": ["district", "town", "unit", "other_unit"],
}
# A target to move to that is in scope for each coordinator (for POSTs that must still 404).
MOVE_TARGET_INSIDE = {
    "district": "other_unit",
    "town": "unit",
    "manager": "unit",
    "teacher": "class",
    "edu_dept": "other_class",
}

MEMBER_GET_URLS = ["manage_member", "manage_change_role", "manage_move_member"]
ORG_GET_URLS = ["manage_organisation", "manage_members", "manage_add_member"]


def cases(table):
    return [(who, name) for who, names in table.items() for name in names]


def snapshot():
    """Everything a coordinator's action could change."""
    User = get_user_model()
    return (
        sorted(
            Membership.objects.values_list("pk", "user_id", "organisation_id", "role", "ended_at")
        ),
        sorted(User.objects.values_list("pk", "is_active", "password", "must_change_password")),
    )


@pytest.mark.parametrize(("who", "name"), cases(INSIDE))
def test_coordinator_opens_members_inside_the_scope(client, world, who, name):
    client.force_login(world["people"][who])
    membership = world["memberships"][name]
    for url_name in MEMBER_GET_URLS:
        response = client.get(reverse(f"organisations:{url_name}", args=[membership.pk]))
        assert response.status_code == 200, url_name


@pytest.mark.parametrize(("who", "name"), cases(OUTSIDE))
def test_members_outside_the_scope_are_404_on_every_url(client, world, who, name):
    client.force_login(world["people"][who])
    membership = world["memberships"][name]
    target = world["orgs"][MOVE_TARGET_INSIDE[who]]
    before = snapshot()
    for url_name in MEMBER_GET_URLS:
        response = client.get(reverse(f"organisations:{url_name}", args=[membership.pk]))
        assert response.status_code == 404, url_name
    posts = {
        "manage_change_role": {"role": Membership.Role.MANAGER},
        "manage_move_member": {"organisation": target.pk},
        "manage_end_membership": {},
        "manage_deactivate": {},
        "manage_reset_password": {},
    }
    for url_name, data in posts.items():
        response = client.post(reverse(f"organisations:{url_name}", args=[membership.pk]), data)
        assert response.status_code == 404, url_name
    assert snapshot() == before


@pytest.mark.parametrize(("who", "name"), cases(ORG_INSIDE))
def test_coordinator_opens_organisations_inside_the_scope(client, world, who, name):
    client.force_login(world["people"][who])
    organisation = world["orgs"][name]
    for url_name in ORG_GET_URLS:
        response = client.get(reverse(f"organisations:{url_name}", args=[organisation.pk]))
        assert response.status_code == 200, url_name


@pytest.mark.parametrize(("who", "name"), cases(ORG_OUTSIDE))
def test_organisations_outside_the_scope_are_404_and_nothing_is_added(client, world, who, name):
    client.force_login(world["people"][who])
    organisation = world["orgs"][name]
    before = snapshot()
    for url_name in ORG_GET_URLS:
        response = client.get(reverse(f"organisations:{url_name}", args=[organisation.pk]))
        assert response.status_code == 404, url_name
    response = client.post(
        reverse("organisations:manage_add_member", args=[organisation.pk]),
        {"name": "示例新人", "phone": "13800000099", "role": "staff"},
    )
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(("who", "name"), cases(ORG_OUTSIDE))
def test_moving_a_member_to_an_organisation_outside_the_scope_is_404(client, world, who, name):
    client.force_login(world["people"][who])
    membership = world["memberships"][INSIDE[who][0]]
    before = snapshot()
    response = client.post(
        reverse("organisations:manage_move_member", args=[membership.pk]),
        {"organisation": world["orgs"][name].pk},
    )
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("who", list(INSIDE))
def test_tree_shows_only_organisations_in_scope(client, world, who):
    client.force_login(world["people"][who])
    response = client.get(reverse("organisations:manage"), {"q": "示例"})
    shown = {node.name for node in response.context["page_obj"]}
    inside = {world["orgs"][name].name for name in ORG_INSIDE[who]}
    outside = {world["orgs"][name].name for name in ORG_OUTSIDE[who]}
    assert not shown & outside
    assert {name for name in inside if "示例" in name} <= shown


def test_people_without_a_coordinator_role_get_403_with_a_message(client, world):
    client.force_login(world["memberships"]["unit_staff"].user)
    response = client.get(reverse("organisations:manage"))
    assert response.status_code == 403
    assert "协调员" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("organisations:manage"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
