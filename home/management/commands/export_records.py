"""Every record of the platform as one zip of CSV files, for an operator at the server.

One file per table of records (people, organisations, memberships, enrolments, lesson progress,
attempts and answers, certificates, requirements, volunteers' service records, alerts sent and
acknowledged, reminders, the audit log …), with a manifest of tables and row counts. Pages
(courses, handbooks, alerts) are content, kept in the database backup and the admin, not here;
one-time working files (pending imports, report exports) and secrets (password hashes, SMS
code hashes) are left out. Cells go through spreadsheets.writing: data, never formulas.

There is no URL for it: only someone who may run manage.py on the server can export everything.
"""

import csv
import io
import json
import os
import zipfile
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wagtail.models import Page

from config.storage import disk_full_message, is_disk_full
from spreadsheets.writing import csv_cell

RECORD_APPS = [
    "accounts",
    "organisations",
    "courses",
    "quizzes",
    "volunteers",
    "alerts",
    "reports",
    "home",
]
LEFT_OUT_MODELS = {
    "accounts.phonecode",  # hashed SMS codes, minutes long
    "organisations.pendingimport",  # an upload waiting an hour for its confirmation
    "reports.export",  # a report file kept 24 hours
}
LEFT_OUT_FIELDS = {"accounts.user": {"password"}}
CHUNK = 2000


def record_models():
    """The models exported, in a stable order: concrete, not pages, not left out."""
    found = []
    for label in RECORD_APPS:
        for model in apps.get_app_config(label).get_models():
            meta = model._meta
            if meta.proxy or issubclass(model, Page) or meta.label_lower in LEFT_OUT_MODELS:
                continue
            found.append(model)
    return found


def _cell(value):
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return csv_cell(value)


def write_table(archive, model):
    """One CSV (UTF-8 with BOM, for Excel and WPS) of the model's rows; returns the count."""
    meta = model._meta
    left_out = LEFT_OUT_FIELDS.get(meta.label_lower, set())
    columns = [field.attname for field in meta.concrete_fields if field.name not in left_out]
    count = 0
    with archive.open(f"{meta.db_table}.csv", "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(columns)
        rows = model._base_manager.order_by("pk").values_list(*columns)
        for row in rows.iterator(chunk_size=CHUNK):
            writer.writerow([_cell(value) for value in row])
            count += 1
        text.flush()
        text.detach()
    return meta.db_table, count, columns


class Command(BaseCommand):
    help = "Write every record (not pages) as CSV files in one zip, for the district's archive."

    def add_arguments(self, parser):
        parser.add_argument("output", help="the .zip to write (must not exist)")

    def handle(self, output, **options):
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} exists: choose a new name.")
        partial = target.with_name(target.name + ".partial")
        tables = []
        try:
            with zipfile.ZipFile(partial, "x", compression=zipfile.ZIP_DEFLATED) as archive:
                for model in record_models():
                    tables.append(write_table(archive, model))
                archive.writestr("manifest.csv", _manifest(tables))
            os.replace(partial, target)
        except BaseException as error:
            partial.unlink(missing_ok=True)
            if is_disk_full(error):
                raise CommandError(f"{disk_full_message()} ({error})") from error
            raise
        rows = sum(count for _table, count, _columns in tables)
        self.stdout.write(f"{len(tables)} tables, {rows} rows written to {target}")


def _manifest(tables):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "rows", "columns"])
    for table, count, columns in tables:
        writer.writerow([table, count, " ".join(columns)])
    writer.writerow(["exported at", timezone.now().isoformat(), ""])
    return "\ufeff" + buffer.getvalue()
