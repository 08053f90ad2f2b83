"""A dispatch's acknowledgement list as Excel, and as CSV with a BOM so Excel reads the UTF-8."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from django.utils import timezone
from django.utils.translation import gettext as _


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


def acknowledgements_xlsx(dispatch, recipients):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Acknowledgements")
    sheet.append([dispatch.page.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            _("Sent %(date)s to %(count)s units")
            % {
                "date": timezone.localtime(dispatch.sent_at).strftime("%Y-%m-%d %H:%M"),
                "count": dispatch.recipient_count,
            }
        ]
    )
    sheet.append([])
    sheet.append(_header())
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in _rows(recipients):
        sheet.append(row)
    for column, width in zip("ABCDEF", (36, 12, 14, 14, 18, 16), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A5"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def acknowledgements_csv(recipients):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(_header())
    writer.writerows(_rows(recipients))
    return buffer.getvalue().encode("utf-8")
