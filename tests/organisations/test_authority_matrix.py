"""Authority over a person, actor × person × account action (issue 12).

A coordinator may act on an account only when every current membership of the person lies in
the coordinator's scope and the person holds no coordinator role at or above the coordinator's
own organisations (and is not staff, superuser, or the coordinator). People whose membership is
visible but who lie outside that authority get 403 with the reason, nothing changes, and the
refusal is audited; people not visible at all stay a 404 (tests/organisations/test_manage_scope).
"""

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.log_actions import registry as log_registry

from organisations.models import Membership, Organisation
from organisations.scope import may_manage_person, people_under_authority
from tests.factories import UserFactory
from tests.organisations.conftest import coordinator, member
from tests.organisations.factories import MembershipFactory, OrganisationFactory

Role = Membership.Role

ACTORS = ["district", "town", "edu_dept", "manager", "teacher", "volunteer_lead"]

# For each person: who has authority over them. Every other actor who can see one of the
# person's memberships gets 403; an actor who sees none gets 404.
AUTHORITY = {
    "unit_staff": {"district", "town", "manager"},
    "class_student": {"district", "town", "edu_dept", "teacher"},
    "school_teacher": {"district", "town", "edu_dept"},
    "volunteer": {"district", "town", "volunteer_lead"},
    "two_towns": {"district"},  # staff of the unit and of a unit in another town
    "moved_away": {"district"},  # left the unit, now in the other town
    "unit_coordinator": {"district", "town"},  # the manager: below the town, not above itself
    "town_peer": {"district"},  # another coordinator of the town: the town may not act
    "admin_staff": set(),  # Wagtail staff with a membership in the unit
}


@pytest.fixture
def people(world):
    orgs = world["orgs"]
    team = OrganisationFactory(
        name="示例志愿队", kind=Organisation.Kind.VOLUNTEER_TEAM, parent=orgs["town"]
    )
    for organisation in orgs.values():
        organisation.refresh_from_db()
    team.refresh_from_db()
    actors = dict(world["people"])
    actors["volunteer_lead"] = coordinator(team, "volunteer_lead")

    two_towns = member(orgs["unit"], name="两处兼职", phone="13800000010")
    MembershipFactory(user=two_towns.user, organisation=orgs["other_unit"], role=Role.STAFF)
    moved = member(orgs["unit"], name="已调走", phone="13800000011")
    moved.ended_at = timezone.now()
    moved.save()
    MembershipFactory(user=moved.user, organisation=orgs["other_unit"], role=Role.STAFF)
    peer = UserFactory(name="镇协调员二", phone="13800000012")
    admin = UserFactory(name="管理员", phone="13800000013", is_staff=True)
    persons = {
        "unit_staff": world["memberships"]["unit_staff"].user,
        "class_student": world["memberships"]["class_student"].user,
        "school_teacher": world["memberships"]["school_teacher"].user,
        "volunteer": member(team, Role.VOLUNTEER, name="队员", phone="13800000014").user,
        "two_towns": two_towns.user,
        "moved_away": moved.user,
        "unit_coordinator": actors["manager"],
        "town_peer": MembershipFactory(
            user=peer, organisation=orgs["town"], role=Role.COORDINATOR
        ).user,
        "admin_staff": MembershipFactory(user=admin, organisation=orgs["unit"]).user,
    }
    return {"actors": actors, "persons": persons}


def visible_membership(client, person):
    """A membership of the person that the signed-in actor can open, or None."""
    for membership in Membership.objects.filter(user=person).order_by("ended_at", "pk"):
        if (
            client.get(reverse("organisations:manage_member", args=[membership.pk])).status_code
            == 200
        ):
            return membership
    return None


def state(person):
    person.refresh_from_db()
    memberships = sorted(
        Membership.objects.filter(user=person).values_list("pk", "role", "ended_at")
    )
    return (person.password, person.is_active, person.name, memberships)


@pytest.mark.parametrize("person_key", list(AUTHORITY))
@pytest.mark.parametrize("actor_key", ACTORS)
def test_account_actions_follow_the_authority_rule(client, people, actor_key, person_key):
    actor = people["actors"][actor_key]
    person = people["persons"][person_key]
    allowed = actor_key in AUTHORITY[person_key]
    assert may_manage_person(actor, person) is allowed
    assert people_under_authority(actor).filter(pk=person.pk).exists() is allowed

    client.force_login(actor)
    membership = visible_membership(client, person)
    if membership is None:
        assert not allowed
        return
    detail = client.get(
        reverse("organisations:manage_member", args=[membership.pk])
    ).content.decode()
    assert ("重置密码" in detail) is allowed

    if not allowed:
        before = state(person)
        posts = [
            ("manage_reset_password", {}),
            ("manage_deactivate", {}),
            ("manage_change_role", {"role": Role.CADRE}),
            ("manage_move_member", {"organisation": membership.organisation_id}),
            ("manage_end_membership", {}),
        ]
        for url_name, data in posts:
            response = client.post(reverse(f"organisations:{url_name}", args=[membership.pk]), data)
            assert response.status_code == 403, url_name
        assert state(person) == before
        refused = [
            entry
            for entry in log_registry.get_logs_for_instance(person)
            if entry.action == "firesafety.member.refused"
        ]
        assert len(refused) == len(posts)
        return

    response = client.post(reverse("organisations:manage_reset_password", args=[membership.pk]))
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.must_change_password
    assert (
        client.post(reverse("organisations:manage_deactivate", args=[membership.pk])).status_code
        == 302
    )
    person.refresh_from_db()
    assert not person.is_active
    client.post(
        reverse("organisations:manage_deactivate", args=[membership.pk]), {"reactivate": "1"}
    )
    person.refresh_from_db()
    assert person.is_active
    if membership.is_current:
        response = client.post(
            reverse("organisations:manage_change_role", args=[membership.pk]), {"role": Role.CADRE}
        )
        assert response.status_code == 302
        new = Membership.objects.current().get(
            user=person, organisation=membership.organisation, role=Role.CADRE
        )
        assert (
            client.post(reverse("organisations:manage_end_membership", args=[new.pk])).status_code
            == 302
        )
    actions = {entry.action for entry in log_registry.get_logs_for_instance(person)}
    assert {"firesafety.member.reset_password", "firesafety.member.deactivate"} <= actions
