"""Writes on people and memberships: each one complete or not at all, history never deleted."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Notice, PhoneCode
from accounts.validators import mainland_mobile_validator, mask_phone, normalise_phone

from . import audit, scope
from .models import Membership

# The same words for add-member and the import; the registered name is never shown.
NAME_MISMATCH = gettext_lazy(
    "This phone number is registered, and the name does not match the registered one."
)

# One-time passwords are read aloud or copied from a screen: no look-alike characters. Twelve
# of these 31 are about 59 bits, for add-member, a password reset and the member import alike.
ONE_TIME_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet
ONE_TIME_PASSWORD_LENGTH = 12


def generate_one_time_password():
    """A random password to hand over once; its owner must replace it at the next sign-in."""
    return "".join(
        secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH)
    )


def _generated_username():
    """Login names for people without a phone (students): never guessable from the name."""
    User = get_user_model()
    while True:
        username = f"u{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


def _check_free(user, organisation, role, number, *, excluding=None):
    """Refuse a second current membership in the same role, or a number already in use."""
    current = Membership.objects.current().filter(organisation=organisation)
    if excluding is not None:
        current = current.exclude(pk=excluding.pk)
    if current.filter(user=user, role=role).exists():
        raise ValidationError(
            {"role": _("This person already holds this role in this organisation.")}
        )
    if number and current.filter(number=number).exclude(user=user).exists():
        raise ValidationError(
            {"number": _("This number is already used by another member of this organisation.")}
        )


# Roles that carry power over others or legal duties: given to an existing account only when its
# owner has proved the phone, so that whoever registered a number first cannot collect them.
PROVEN_PHONE_ROLES = frozenset(
    {Membership.Role.COORDINATOR, Membership.Role.RESPONSIBLE, Membership.Role.MANAGER}
)


def same_name(registered, entered):
    """Whether a name typed by a coordinator is the account's registered name (spacing aside)."""
    return " ".join((registered or "").split()) == " ".join((entered or "").split())


def require_proven_phone(user, role):
    """Refuse a powerful role for an account whose phone its owner never confirmed."""
    if role in PROVEN_PHONE_ROLES and not user.phone_is_verified:
        raise ValidationError(
            {
                "role": _(
                    "This phone number has not been confirmed by its owner, so the account "
                    "cannot be given this role yet. Ask the person to confirm the number in My "
                    "data first."
                )
            }
        )


def notify_added(person, membership, actor):
    """Tell someone attached to an organisation by a coordinator, with a way out if it is wrong."""
    title = _("%(actor)s added you to %(organisation)s (%(role)s)") % {
        "actor": actor.get_full_name() or actor.get_username(),
        "organisation": membership.organisation.name,
        "role": membership.get_role_display(),
    }
    body = _(
        "If you do not belong to this organisation, you can leave it at once with the link; "
        "your training records stay yours."
    )
    return Notice(
        user=person,
        title=title[:200],
        body=body,
        link=reverse("organisations:leave_membership", args=[membership.pk]),
    )


@transaction.atomic
def add_member(*, actor, organisation, name, role, phone=None, number=""):
    """Add a person to an organisation; an existing phone attaches them to their own account.

    Attaching never changes or reveals the account: the name entered must be the registered
    name (the error does not say what it is), and the person is told in a message.
    Returns (membership, one_time_password): the password is None when the account existed.
    """
    User = get_user_model()
    name = " ".join((name or "").split())
    number = (number or "").strip()
    phone = normalise_phone(phone)
    if not name:
        raise ValidationError({"name": _("Enter the person's real name.")})
    if phone:
        try:
            mainland_mobile_validator(phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from error
    elif role != Membership.Role.STUDENT:
        # Adults sign in with their phone; students are the only members without one.
        raise ValidationError({"phone": _("Enter a mobile number: adults sign in with it.")})

    user = User.objects.select_for_update().filter(phone=phone).first() if phone else None
    if user is None and phone and User.objects.filter(username=phone).exists():
        # Someone signs in with this number as login name but registered another phone.
        raise ValidationError(
            {"phone": _("This phone number is the login name of another account.")}
        )
    if user is not None:
        if not same_name(user.name, name):
            raise ValidationError({"phone": NAME_MISMATCH})
        require_proven_phone(user, role)
    password = None
    if user is None:
        password = generate_one_time_password()
        user = User(username=phone or _generated_username(), name=name, phone=phone)
        user.set_password(password)
        user.must_change_password = True
        user.save()
    _check_free(user, organisation, role, number)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=role, number=number
            )
    except IntegrityError as error:  # a concurrent request took the role or number first
        raise ValidationError(
            {"number": _("This number is already used by another member of this organisation.")}
        ) from error
    if password is None:
        notify_added(user, membership, actor).save()
    audit.record(
        actor,
        "firesafety.member.add",
        instance=user,
        organisation=organisation,
        data={
            "membership_id": membership.pk,
            "role": role,
            "existing_account": password is None,
        },
    )
    return membership, password


@transaction.atomic
def end_membership(membership, *, when=None):
    """The person leaves: the membership gets an end date and stays in the history."""
    if membership.ended_at is None:
        membership.ended_at = when or timezone.now()
        membership.save(update_fields=["ended_at"])
    return membership


@transaction.atomic
def leave_membership(membership):
    """The person ends their own membership (one a coordinator added by mistake, say)."""
    end_membership(membership)
    audit.record(
        membership.user,
        "firesafety.member.leave",
        instance=membership.user,
        organisation=membership.organisation,
        data={"membership_id": membership.pk, "role": membership.role},
    )
    return membership


@transaction.atomic
def change_role(membership, role):
    """End the membership and start one with the new role, so the history shows both."""
    if membership.ended_at is not None:
        raise ValidationError({"role": _("This membership has ended; add the person again.")})
    if role == membership.role:
        return membership
    require_proven_phone(membership.user, role)
    _check_free(membership.user, membership.organisation, role, "", excluding=membership)
    now = timezone.now()
    end_membership(membership, when=now)
    return Membership.objects.create(
        user=membership.user,
        organisation=membership.organisation,
        role=role,
        number=membership.number,
        started_at=now,
    )


@transaction.atomic
def move_member(membership, organisation):
    """End the membership here and start the same role in another organisation."""
    if membership.ended_at is not None:
        raise ValidationError(
            {"organisation": _("This membership has ended; add the person again.")}
        )
    if organisation.pk == membership.organisation_id:
        raise ValidationError(
            {"organisation": _("The person is already a member of this organisation.")}
        )
    try:
        _check_free(membership.user, organisation, membership.role, membership.number)
    except ValidationError as error:
        raise ValidationError({"organisation": error.messages}) from error
    now = timezone.now()
    end_membership(membership, when=now)
    return Membership.objects.create(
        user=membership.user,
        organisation=organisation,
        role=membership.role,
        number=membership.number,
        started_at=now,
    )


@transaction.atomic
def deactivate_person(user):
    """Close the account: Django refuses inactive users, so their sessions end at once.

    ModelBackend.get_user() returns nobody for an inactive user, so every open session is
    anonymous from its next request. Memberships stay as they are, for the history.
    """
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def reactivate_person(user):
    """Open a closed account again."""
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def reset_password(user):
    """Set a one-time password to show once; the person must choose their own next time.

    Changing the password also changes the session hash, so the person's open sessions end.
    """
    password = generate_one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


# A proof by SMS older than this does not make a moved phone confirmed: the person confirms
# it again under My data.
PHONE_PROOF_KEPT = timedelta(days=7)


class PhoneTransferRefused(PermissionDenied):
    """The actor has no authority over one of the two people; the message says why."""


@transaction.atomic
def pending_phone_claim(person):
    """(phone, holder) when person proved by SMS lately a phone that another account holds."""
    User = get_user_model()
    proved = (
        PhoneCode.objects.filter(
            purpose=PhoneCode.Purpose.CHANGE_PHONE,
            user=person,
            used_at__gte=timezone.now() - PHONE_PROOF_KEPT,
        )
        .exclude(phone=person.phone or "")
        .order_by("-used_at")
        .values_list("phone", flat=True)
        .first()
    )
    if proved is None:
        return None
    holder = User.objects.filter(phone=proved).exclude(pk=person.pk).first()
    return (proved, holder) if holder is not None else None


def transfer_phone(actor, from_person, to_person):
    """Move a phone from one account to another: only a coordinator over both people may.

    The phone replaces any on the new account and is confirmed there only if its holder proved
    it by SMS lately; the old account loses it (a login name that was the phone becomes a
    generated one) and both people get a notice. Raises PhoneTransferRefused or ValidationError.
    """
    for person in (from_person, to_person):
        if not scope.may_manage_person(actor, person):
            reason = scope.authority_refusal(actor, person)
            audit.record(
                actor,
                "firesafety.member.refused",
                instance=person,
                data={"attempted": "firesafety.member.phone_transfer", "reason": reason},
            )
            raise PhoneTransferRefused(reason)
    User = get_user_model()
    from_person, to_person = (
        User.objects.select_for_update().get(pk=from_person.pk),
        User.objects.select_for_update().get(pk=to_person.pk),
    )
    phone = from_person.phone
    if from_person.pk == to_person.pk or not phone:
        raise ValidationError(_("There is no phone number to move."))
    proof = (
        PhoneCode.objects.filter(
            phone=phone,
            purpose=PhoneCode.Purpose.CHANGE_PHONE,
            user=to_person,
            used_at__gte=timezone.now() - PHONE_PROOF_KEPT,
        )
        .order_by("-used_at")
        .values_list("used_at", flat=True)
        .first()
    )
    from_person.phone = None
    from_person.phone_verified_at = None
    if from_person.username == phone:
        from_person.username = _generated_username()
    from_person.save(update_fields=["phone", "phone_verified_at", "username"])
    if to_person.phone and to_person.username == to_person.phone:
        # A login name that was the old phone follows the new one, as in My data.
        to_person.username = phone
    to_person.phone = phone
    to_person.phone_verified_at = proof
    to_person.save(update_fields=["phone", "phone_verified_at", "username"])
    Notice.objects.create(
        user=from_person,
        title=_("Your phone number was moved to another account"),
        body=_(
            "%(actor)s moved %(phone)s to the account of its owner. Sign in with the login "
            "name %(username)s from now on."
        )
        % {"actor": actor.name, "phone": mask_phone(phone), "username": from_person.username},
        link=reverse("accounts_my_data:overview"),
    )
    Notice.objects.create(
        user=to_person,
        title=_("A phone number was moved to your account"),
        body=_("%(actor)s moved %(phone)s to your account.")
        % {"actor": actor.name, "phone": mask_phone(phone)},
        link=reverse("accounts_my_data:overview"),
    )
    audit.record(
        actor,
        "firesafety.member.phone_transfer",
        instance=to_person,
        data={"from_person": from_person.pk, "to_person": to_person.pk, "confirmed": bool(proof)},
    )
    return to_person
