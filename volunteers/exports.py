"""The team's Excel workbook: one sheet of members, one of this year's records."""

from io import BytesIO

from openpyxl import Workbook

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from courses.progress import Status

from .models import ServiceRecord
from .reporting import team_members, year_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def team_workbook(team, user):
    """An .xlsx response; a team has at most a few hundred members, so it is built in memory."""
    now = timezone.now()
    workbook = Workbook(write_only=True)
    members_sheet = workbook.create_sheet(_("Members"))
    members_sheet.append([_("Team"), team.name])
    members_sheet.append(
        [_("Exported"), timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), user.get_full_name()]
    )
    members_sheet.append([])
    rows, requirements = team_members(team, now)
    members_sheet.append(
        [
            pgettext("person", "Name"),
            _("Verified hours this month"),
            _("Verified hours this year"),
            _("Hours pending training"),
            _("Last service"),
            _("Valid certificates"),
            *[requirement.course.title for requirement in requirements],
        ]
    )
    for row in rows:
        members_sheet.append(
            [
                row.person.name or row.person.username,
                float(row.hours_month),
                float(row.hours_year),
                float(row.pending_training),
                row.last_activity,
                "；".join(certificate.course_title for certificate in row.certificates),
                *[str(Status.LABELS[status]) for _requirement, status in row.training],
            ]
        )
    records_sheet = workbook.create_sheet(_("Records"))
    records_sheet.append(
        [
            _("Date"),
            pgettext("person", "Name"),
            _("Kind"),
            _("Hours"),
            _("Place"),
            _("What was done"),
            _("Status"),
        ]
    )
    records = (
        ServiceRecord.objects.filter(team=team, date__gte=year_start(timezone.localdate(now)))
        .select_related("volunteer")
        .order_by("date", "pk")
    )
    for record in records.iterator():
        records_sheet.append(
            [
                record.date,
                record.volunteer.name or record.volunteer.username,
                record.get_kind_display(),
                float(record.hours),
                record.place,
                record.description,
                record.get_status_display(),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = f"volunteers-{team.pk}-{timezone.localdate(now).isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
