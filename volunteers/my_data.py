"""My data (/account/): a volunteer's service records.

When the account is deleted the records stay, so the team's hours do not change, and the
photos go: a picture of the person is not needed for the totals.
"""

from django.utils.translation import gettext_lazy as _

from accounts.my_data import SectionData, register_section

from .models import ServiceRecord


def service_section(user):
    records = ServiceRecord.objects.filter(volunteer=user).select_related("team").order_by("-date")
    return SectionData(
        columns=[
            ("date", _("date")),
            ("team", _("team")),
            ("kind", _("kind of activity")),
            ("hours", _("hours")),
            ("place", _("place")),
            ("description", _("what was done")),
            ("status", _("status")),
            ("reject_reason", _("reason for rejecting")),
            ("photo", _("photo")),
        ],
        rows=[
            {
                "date": record.date,
                "team": record.team.name,
                "kind": str(record.get_kind_display()),
                "hours": str(record.hours),
                "place": record.place,
                "description": record.description,
                "status": str(record.get_status_display()),
                "reject_reason": record.reject_reason,
                "photo": str(_("yes")) if record.photo else "",
            }
            for record in records
        ],
    )


def delete_photos(user, now):
    for record in ServiceRecord.objects.filter(volunteer=user).exclude(photo=""):
        record.photo.delete(save=False)
    ServiceRecord.objects.filter(volunteer=user).update(photo="")


register_section(
    "service_records",
    _("Volunteer service records"),
    service_section,
    order=40,
    anonymise=delete_photos,
)
