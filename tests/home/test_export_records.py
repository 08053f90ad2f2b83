"""manage.py export_records: every record as CSV in one zip, data not formulas, no secrets."""

import csv
import errno
import io
import zipfile
from unittest import mock

import pytest

from django.core.management import CommandError, call_command

from accounts.models import User
from courses.models import Certificate, Enrolment
from quizzes.models import Attempt
from tests.records import FORMULA_NAME, seed_records

pytestmark = pytest.mark.django_db


def table(archive, name):
    with archive.open(f"{name}.csv") as raw:
        text = raw.read().decode("utf-8")
    assert text.startswith("\ufeff")  # Excel and WPS read the Chinese
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_every_record_is_exported_as_data_with_a_manifest(home_page, tmp_path):
    seed_records(home_page)
    output = tmp_path / "records.zip"
    stdout = io.StringIO()
    call_command("export_records", str(output), stdout=stdout)
    assert "rows written" in stdout.getvalue()
    with zipfile.ZipFile(output) as archive:
        users = table(archive, "accounts_user")
        assert len(users) == User.objects.count()
        assert len(table(archive, "courses_enrolment")) == Enrolment.objects.count() == 3
        assert len(table(archive, "quizzes_attempt")) == Attempt.objects.count() == 3
        certificates = table(archive, "courses_certificate")
        assert {row["code"] for row in certificates} == set(
            Certificate.objects.values_list("code", flat=True)
        )
        # A name that Excel would run is written as text.
        assert "'" + FORMULA_NAME in {row["name"] for row in users}
        assert "password" not in users[0]
        names = set(archive.namelist())
        assert "accounts_phonecode.csv" not in names  # hashed SMS codes
        assert "organisations_pendingimport.csv" not in names and "reports_export.csv" not in names
        assert "courses_coursepage.csv" not in names  # pages are content, in the backup
        manifest = {row["table"]: row["rows"] for row in table(archive, "manifest")}
        assert manifest["courses_certificate"] == "3"


def test_an_existing_file_is_never_overwritten(db, tmp_path):
    output = tmp_path / "records.zip"
    output.write_bytes(b"yesterday's")
    with pytest.raises(CommandError, match="exists"):
        call_command("export_records", str(output))
    assert output.read_bytes() == b"yesterday's"


def test_a_full_disk_leaves_no_partial_archive_and_says_so(db, tmp_path):
    full = OSError(errno.ENOSPC, "No space left on device")
    with (
        mock.patch("zipfile.ZipFile.writestr", side_effect=full),
        pytest.raises(CommandError, match="磁盘空间不足"),
    ):
        call_command("export_records", str(tmp_path / "records.zip"))
    assert list(tmp_path.iterdir()) == []
