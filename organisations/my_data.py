"""The memberships section of My data (/account/), and ending them when an account is deleted."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.my_data import DELETED_NAME, SectionData, register_section

from .models import AuditEntry, Membership


def membership_section(user):
    memberships = (
        Membership.objects.filter(user=user).select_related("organisation").order_by("-started_at")
    )
    return SectionData(
        columns=[
            ("organisation", _("Organisation")),
            ("role", _("Role")),
            ("number", pgettext_lazy("member number", "Number")),
            ("started_at", _("Joined")),
            ("ended_at", _("Left")),
        ],
        rows=[
            {
                "organisation": membership.organisation.name,
                "role": str(membership.get_role_display()),
                "number": membership.number,
                "started_at": timezone.localdate(membership.started_at),
                "ended_at": timezone.localdate(membership.ended_at) if membership.ended_at else "",
            }
            for membership in memberships
        ],
    )


def end_memberships(user, now):
    Membership.objects.current().filter(user=user).update(ended_at=now)
    # The audit log keeps what was done to the person (who acted, what, when: the record a
    # coordinator answers for), but not the copy of their name in the entry's label. This is
    # the one change an entry ever gets, hence an UPDATE past AuditEntry.save's refusal.
    user_type = ContentType.objects.get_for_model(user, for_concrete_model=False)
    AuditEntry.objects.filter(
        Q(subject_id=user.pk) | Q(content_type=user_type, object_id=str(user.pk))
    ).update(label=DELETED_NAME)


register_section(
    "memberships",
    _("Organisations and roles"),
    membership_section,
    order=10,
    anonymise=end_memberships,
    empty_text=_("You do not belong to any organisation yet."),
)
