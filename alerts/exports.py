"""A dispatch's acknowledgement list as Excel, and as CSV with a BOM so Excel reads the UTF-8."""

from django.utils import timezone
from django.utils.translation import gettext as _

from spreadsheets import writing

HEADER_ROW = 3
LAYOUT = writing.Layout(
    widths=(36, 12, 14, 14, 18, 16), bold_rows=frozenset({0, HEADER_ROW}), freeze="A5"
)


def _header():
    return [
        _("Unit"),
        _("Kind"),
        _("Status"),
        _("Acknowledged by"),
        _("Acknowledged at"),
        _("Responsible persons and managers"),
    ]


def _rows(recipients):
    for recipient in recipients:
        yield [
            recipient.organisation.name,
            recipient.organisation.get_kind_display(),
            _("Acknowledged") if recipient.is_acknowledged else _("Not yet acknowledged"),
            recipient.acknowledged_by.name if recipient.acknowledged_by else "",
            timezone.localtime(recipient.acknowledged_at).strftime("%Y-%m-%d %H:%M")
            if recipient.acknowledged_at
            else "",
            recipient.reader_count or 0,
        ]


def _sheet_rows(dispatch, recipients):
    yield [dispatch.page.title]
    yield [
        _("Sent %(date)s to %(count)s units")
        % {
            "date": timezone.localtime(dispatch.sent_at).strftime("%Y-%m-%d %H:%M"),
            "count": dispatch.recipient_count,
        }
    ]
    yield []
    yield _header()
    yield from _rows(recipients)


def acknowledgements_xlsx(dispatch, recipients, filename):
    """The acknowledgement list as an .xlsx download: title, date, then one row per unit."""
    return writing.xlsx_response(
        filename, [(_("Acknowledgements"), _sheet_rows(dispatch, recipients), LAYOUT)]
    )


def acknowledgements_csv(recipients, filename):
    """The acknowledgement list as a CSV download (one row per unit, BOM first)."""
    return writing.csv_response(filename, [_header(), *_rows(recipients)])
