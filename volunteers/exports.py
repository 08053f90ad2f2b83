"""The team's Excel workbook: one sheet of members, one of this year's records."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.validators import name_for_lists
from courses.progress import Status
from spreadsheets import writing

from .models import ServiceRecord
from .reporting import team_members, year_start


def team_workbook(team, user):
    """An .xlsx response of the team's members and of this year's records."""
    now = timezone.now()
    rows, requirements = team_members(team, now)
    records = (
        ServiceRecord.objects.filter(team=team, date__gte=year_start(timezone.localdate(now)))
        .select_related("volunteer")
        .order_by("date", "pk")
    )
    filename = f"volunteers-{team.pk}-{timezone.localdate(now).isoformat()}.xlsx"
    return writing.xlsx_response(
        filename,
        [
            (
                _("Members"),
                _member_rows(team, user, now, rows, requirements),
                writing.Layout(bold_rows=frozenset({3})),
            ),
            (_("Records"), _record_rows(records), writing.Layout(bold_rows=frozenset({0}))),
        ],
    )


def _member_rows(team, user, now, rows, requirements):
    yield [_("Team"), team.name]
    yield [_("Exported"), timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), user.get_full_name()]
    yield []
    yield [
        pgettext("person", "Name"),
        _("Verified hours this month"),
        _("Verified hours this year"),
        _("Hours pending training"),
        _("Last service"),
        _("Valid certificates"),
        *[requirement.course.title for requirement in requirements],
    ]
    for row in rows:
        yield [
            _name(row.person),
            float(row.hours_month),
            float(row.hours_year),
            float(row.pending_training),
            row.last_activity,
            "；".join(certificate.course_title for certificate in row.certificates),
            *[str(Status.LABELS[status]) for _requirement, status in row.training],
        ]


def _record_rows(records):
    yield [
        _("Date"),
        pgettext("person", "Name"),
        _("Kind"),
        _("Hours"),
        _("Place"),
        _("What was done"),
        _("Status"),
    ]
    for record in records.iterator():
        yield [
            record.date,
            _name(record.volunteer),
            record.get_kind_display(),
            float(record.hours),
            record.place,
            record.description,
            record.get_status_display(),
        ]


def _name(person):
    return name_for_lists(person.name, person.username, person.phone)
