"""Actions a coordinator takes on a person's account or memberships, in Wagtail's action style.

Each action, like wagtail.actions.unpublish_page, takes the actor as an argument, checks in
`check()` that the actor has authority over the person (organisations.scope), does its work in
`execute()` inside a transaction and writes the audit entry. A refusal is audited too, then
raised as ActionRefused (a PermissionDenied, so the view answers 403 with the reason).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import audit, services
from .scope import authority_refusal


class ActionRefused(PermissionDenied):
    """The actor has no authority over this person; the message says why."""


class PersonAction:
    """An action by `actor` on `person`'s account, in `organisation` (if any) for the audit log."""

    action = ""

    def __init__(self, actor, person, organisation=None):
        self.actor = actor
        self.person = person
        self.organisation = organisation

    def check(self):
        reason = authority_refusal(self.actor, self.person)
        if reason is not None:
            audit.record(
                self.actor,
                "firesafety.member.refused",
                instance=self.person,
                organisation=self.organisation,
                data={"attempted": self.action, "reason": str(reason)},
            )
            raise ActionRefused(reason)

    def execute(self):
        self.check()
        with transaction.atomic():
            result = self._execute()
            audit.record(
                self.actor,
                self.action,
                instance=self.person,
                organisation=self.organisation,
                data=self.audit_data(result),
            )
        return result

    def _execute(self):
        raise NotImplementedError

    def audit_data(self, result):
        return {}


class MembershipAction(PersonAction):
    """An action on the person holding `membership`, by `actor`."""

    def __init__(self, actor, membership):
        super().__init__(actor, membership.user, membership.organisation)
        self.membership = membership

    def audit_data(self, result):
        return {"membership_id": self.membership.pk, "role": self.membership.role}


class ResetPassword(MembershipAction):
    """A one-time password for the person (returned once, never stored)."""

    action = "firesafety.member.reset_password"

    def _execute(self):
        return services.reset_password(self.person)

    def audit_data(self, result):
        return {"membership_id": self.membership.pk}


class Deactivate(MembershipAction):
    """Close the account; every open session ends at its next request."""

    action = "firesafety.member.deactivate"

    def _execute(self):
        return services.deactivate_person(self.person)


class Reactivate(MembershipAction):
    """Open a closed account again."""

    action = "firesafety.member.reactivate"

    def _execute(self):
        return services.reactivate_person(self.person)


class ChangeRole(MembershipAction):
    """End the membership and start one with another role (the history keeps both)."""

    action = "firesafety.member.role_change"

    def __init__(self, actor, membership, role):
        super().__init__(actor, membership)
        self.role = role

    def _execute(self):
        return services.change_role(self.membership, self.role)

    def audit_data(self, result):
        return {
            "membership_id": result.pk,
            "previous_membership_id": self.membership.pk,
            "old_role": self.membership.role,
            "role": result.role,
        }


class Move(MembershipAction):
    """End the membership here and start the same role in another organisation."""

    action = "firesafety.member.move"

    def __init__(self, actor, membership, target):
        super().__init__(actor, membership)
        self.target = target

    def _execute(self):
        return services.move_member(self.membership, self.target)

    def audit_data(self, result):
        return {
            "membership_id": result.pk,
            "previous_membership_id": self.membership.pk,
            "from_organisation_id": self.membership.organisation_id,
            "to_organisation_id": self.target.pk,
            "role": result.role,
        }


class EndMembership(MembershipAction):
    """The person leaves this organisation; the membership stays in the history."""

    action = "firesafety.member.end"

    def _execute(self):
        return services.end_membership(self.membership)
