"""针对性培训 in Excel or CSV: the page's table, or at a unit its list of assignments.

What the page shows and nothing more: the person's name (or masked phone where there is none,
as on screen), never the login name, which for adults is the phone in full. The list is every
assignment at the organisation (the page shows it fifty at a time), read from the cursor.
"""

import itertools

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.validators import name_for_lists
from spreadsheets import writing

from .exports import export_filename, scope_header_lines
from .refreshers import refresher_people, refresher_rollup, refresher_totals

FORMATS = ("csv", "xlsx")


def table_rows(rows):
    yield [
        _("Organisation"),
        _("Overdue"),
        _("Assigned"),
        _("Completed"),
        pgettext("training status", "Not started"),
    ]
    for row in [*rows, refresher_totals(rows)]:
        name = row.organisation.name if row.organisation else _("Total")
        yield [name, row.overdue, row.assigned, row.completed, row.not_started]


def assignment_rows(assignments):
    yield [
        pgettext("person", "Name"),
        _("Lesson"),
        _("Reason"),
        _("Due date"),
        pgettext("column", "Status"),
    ]
    for assignment in assignments.iterator():
        person = assignment.user
        yield [
            name_for_lists(person.name, person.username, person.phone),
            assignment.lesson.title,
            assignment.reason,
            assignment.due_date,
            str(assignment.status_label),
        ]


def refresher_export(visible, organisation, file_format, user):
    """(response, what) for the page of `organisation` (None: the scope's top organisations)."""
    if file_format not in FORMATS:
        raise Http404
    rows = refresher_rollup(visible, organisation)
    if rows or organisation is None:
        what, lines = "refreshers", table_rows(rows)
    else:
        what, lines = "refresher-people", assignment_rows(refresher_people(visible, organisation))
    lines = itertools.chain(scope_header_lines(organisation, user), lines)
    filename = export_filename(what, file_format)
    if file_format == "csv":
        return writing.csv_response(filename, lines), what
    return writing.xlsx_response(filename, [(_("Report"), lines)]), what
