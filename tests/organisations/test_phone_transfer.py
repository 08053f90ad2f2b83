"""A phone proved by someone else moves to them only through a coordinator over both people."""

import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice, PhoneCode
from organisations.models import Membership
from organisations.services import PhoneTransferRefused, transfer_phone
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.organisations.join_helpers import build_district, coordinator_of

PHONE = "13912345678"


@pytest.fixture
def tree(db):
    return build_district()


def member_of(organisation, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.STAFF)
    return user


@pytest.fixture
def people(tree):
    holder = member_of(tree["unit"], username=PHONE, phone=PHONE, name="占用者")
    owner = member_of(tree["unit"], username="owner", phone="13700000001", name="机主")
    return holder, owner


def test_coordinator_over_both_moves_the_phone(tree, people):
    holder, owner = people
    town = coordinator_of(tree["town"], name="镇协调员")
    PhoneCode.objects.create(
        phone=PHONE,
        purpose=PhoneCode.Purpose.CHANGE_PHONE,
        code_hash="x",
        user=owner,
        expires_at=timezone.now(),
        used_at=timezone.now(),
    )
    transfer_phone(town, holder, owner)
    holder.refresh_from_db()
    owner.refresh_from_db()
    assert owner.phone == PHONE
    assert owner.phone_is_verified  # the owner proved it by SMS
    assert holder.phone is None
    assert holder.username != PHONE  # the old login name was the phone
    assert Notice.objects.filter(user=holder).exists()
    assert Notice.objects.filter(user=owner).exists()


def test_moved_phone_without_a_proof_stays_unconfirmed(tree, people):
    holder, owner = people
    transfer_phone(coordinator_of(tree["town"]), holder, owner)
    owner.refresh_from_db()
    assert owner.phone == PHONE
    assert not owner.phone_is_verified


def test_coordinator_over_only_one_of_them_is_refused(tree, people):
    holder, _owner = people
    elsewhere = member_of(tree["other_unit"], phone="13700000002")
    town = coordinator_of(tree["town"])
    with pytest.raises(PhoneTransferRefused):
        transfer_phone(town, holder, elsewhere)
    with pytest.raises(PhoneTransferRefused):
        transfer_phone(town, elsewhere, holder)
    holder.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (holder.phone, elsewhere.phone) == (PHONE, "13700000002")


def test_a_person_cannot_move_a_phone_to_themselves(tree, people):
    holder, owner = people
    with pytest.raises(PhoneTransferRefused):
        transfer_phone(owner, holder, owner)
    holder.refresh_from_db()
    assert holder.phone == PHONE


def test_coordinator_below_cannot_take_a_phone_from_a_coordinator_above(tree, people):
    _holder, owner = people
    manager = coordinator_of(tree["unit"])
    town = coordinator_of(tree["town"], phone="13700000003")
    with pytest.raises(PhoneTransferRefused):
        transfer_phone(manager, town, owner)


def test_nothing_to_move_is_an_error(tree, people):
    holder, owner = people
    holder.phone = None
    holder.save()
    with pytest.raises(ValidationError):
        transfer_phone(coordinator_of(tree["town"]), holder, owner)


def proved_by(person, phone=PHONE):
    PhoneCode.objects.create(
        phone=phone,
        purpose=PhoneCode.Purpose.CHANGE_PHONE,
        code_hash="x",
        user=person,
        expires_at=timezone.now(),
        used_at=timezone.now(),
    )


def membership_of(person):
    return Membership.objects.current().get(user=person)


def test_the_member_page_offers_the_proven_phone_and_moves_it(client, tree, people):
    holder, owner = people
    proved_by(owner)
    client.force_login(coordinator_of(tree["town"], name="镇协调员"))
    url = reverse("organisations:manage_member", args=[membership_of(owner).pk])

    page = client.get(url).content.decode()
    assert "139****5678" in page and "占用者" in page
    response = client.post(
        reverse("organisations:manage_move_proven_phone", args=[membership_of(owner).pk])
    )

    assert response.status_code == 302
    owner.refresh_from_db()
    holder.refresh_from_db()
    assert (owner.phone, holder.phone) == (PHONE, None)
    assert owner.phone_is_verified


def test_moving_a_phone_from_someone_outside_the_authority_is_403(client, tree, people):
    holder, owner = people
    MembershipFactory(user=holder, organisation=tree["other_unit"], role=Membership.Role.STAFF)
    proved_by(owner)
    client.force_login(coordinator_of(tree["town"]))

    response = client.post(
        reverse("organisations:manage_move_proven_phone", args=[membership_of(owner).pk])
    )

    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.phone == "13700000001"


def test_no_proven_phone_means_nothing_to_move(client, tree, people):
    _holder, owner = people
    client.force_login(coordinator_of(tree["town"]))
    response = client.post(
        reverse("organisations:manage_move_proven_phone", args=[membership_of(owner).pk]),
        follow=True,
    )
    assert "没有可转移给此人" in response.content.decode()
