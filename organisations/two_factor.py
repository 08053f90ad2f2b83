"""Two-factor sign-in for coordinators: who must use it, and resetting it for a person.

accounts does the second factor; this module tells it which coordinators must use one, and
holds the reset (after a lost phone), which needs authority over the person and an audit entry.
"""

from django.db import transaction

from accounts import two_factor

from . import audit
from .account_actions import ActionRefused
from .models import Membership, Organisation
from .scope import authority_refusal

RESET_ACTION = "firesafety.two_factor.reset"

# Coordinators of these see and act on many people's data: 等保 2.0 asks two factors of them.
TWO_FACTOR_KINDS = (
    Organisation.Kind.DISTRICT,
    Organisation.Kind.STREET,
    Organisation.Kind.TOWN,
    Organisation.Kind.DEPARTMENT,
)


def coordinates_wide_area(user):
    """Whether the person coordinates a district, street, town or industry department."""
    return (
        Membership.objects.current()
        .filter(
            user=user,
            role=Membership.Role.COORDINATOR,
            organisation__kind__in=TWO_FACTOR_KINDS,
        )
        .exists()
    )


class ResetTwoFactor:
    """Remove a person's authenticator app and recovery codes, so they can set it up again.

    Like the actions in account_actions, but on a person rather than a membership: a
    superuser also resets editors, who belong to no organisation.
    """

    def __init__(self, actor, person):
        self.actor = actor
        self.person = person

    def check(self):
        reason = authority_refusal(self.actor, self.person)
        if reason is not None:
            audit.record(
                self.actor,
                "firesafety.member.refused",
                instance=self.person,
                data={"attempted": RESET_ACTION, "reason": str(reason)},
            )
            raise ActionRefused(reason)

    def execute(self):
        self.check()
        with transaction.atomic():
            removed = two_factor.remove_second_factor(self.person)
            audit.record(
                self.actor, RESET_ACTION, instance=self.person, data={"devices_removed": removed}
            )
        return removed
