"""A phone proved by someone else moves to them only through a coordinator over both people."""

import pytest

from django.core.exceptions import ValidationError
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
