"""Two-factor sign-in for coordinators: who must use it, and resetting it for a person.

accounts does the second factor; this module tells it which coordinators must use one, and
holds the reset (after a lost phone), which needs authority over the person and an audit entry.
"""

from accounts import two_factor

from .account_actions import PersonAction
from .models import Membership, Organisation

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


class ResetTwoFactor(PersonAction):
    """Remove a person's authenticator app and recovery codes, so they can set it up again.

    On a person rather than a membership: a superuser also resets editors, who belong to no
    organisation.
    """

    action = RESET_ACTION

    def _execute(self):
        return two_factor.remove_second_factor(self.person)

    def audit_data(self, result):
        return {"devices_removed": result}
