"""My data (/account/): the person's places on hands-on training sessions and their attendance.

The roster is the organiser's record of who came, so it stays when the account is deleted and
then names the anonymised account.
"""

from django.utils.translation import gettext_lazy as _

from accounts.my_data import SectionData, register_section

from . import signoff_my_data  # noqa: F401 - registers the skills sign-offs section
from .models import Enrolment


def enrolment_section(user):
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("session__lesson", "session__organisation")
        .order_by("-session__starts_at", "-pk")
    )
    return SectionData(
        columns=[
            ("lesson", _("practical lesson")),
            ("organisation", _("organised by")),
            ("starts_at", _("starts")),
            ("place", _("place")),
            ("state", _("state")),
            ("signed_up_at", _("signed up")),
            ("attendance", _("attendance")),
            ("checked_in_at", _("checked in")),
        ],
        rows=[
            {
                "lesson": enrolment.session.lesson.title,
                "organisation": enrolment.session.organisation.name,
                "starts_at": enrolment.session.starts_at,
                "place": enrolment.session.place,
                "state": enrolment.get_state_display(),
                "signed_up_at": enrolment.signed_up_at,
                "attendance": enrolment.get_attendance_display(),
                "checked_in_at": enrolment.checked_in_at,
            }
            for enrolment in enrolments
        ],
    )


register_section(
    "training_session_enrolments",
    _("Hands-on training sessions"),
    enrolment_section,
    order=24,
)
