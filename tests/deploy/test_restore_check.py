"""deploy/backup.sh and deploy/restore_check.py: a backup restores, with every record and file."""

import importlib.util
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from django.conf import settings
from django.db import connection

from organisations.models import Organisation
from tests.organisations.factories import OrganisationFactory
from tests.records import seed_records
from tests.volunteers.conftest import record, volunteer_in
from volunteers.models import ServiceRecord

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "deploy" / "restore_check.py"
BACKUP = ROOT / "deploy" / "backup.sh"


def source_url():
    """The test database as a URL: the source the check dumps (read only)."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def restore_check(tmp_path):
    media, private = tmp_path / "media", tmp_path / "private"
    media.mkdir(exist_ok=True)
    private.mkdir(exist_ok=True)
    command = [sys.executable, str(SCRIPT), "--source", source_url()]
    command += ["--media", str(media), "--private", str(private)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=os.environ)


def databases_named(prefix):
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
        return [name for (name,) in cursor.fetchall()]


def restored_name(output):
    return next(line.split()[-1] for line in output.splitlines() if "restoring into" in line)


def photographed(path):
    """A volunteer's service record whose photo is stored at `path` (in private storage)."""
    team = OrganisationFactory(name="示例志愿队", kind=Organisation.Kind.VOLUNTEER_TEAM)
    return record(volunteer_in(team), team, photo=path)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_with_every_record_and_file(home_page, tmp_path):
    seed_records(home_page)
    photo = photographed("volunteers/ab/photo.png").photo.name
    (tmp_path / "private" / "volunteers" / "ab").mkdir(parents=True)
    (tmp_path / "private" / photo).write_bytes(b"png")

    result = restore_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "restore check: passed" in out
    for figure in ("people", "completions", "attempts", "certificates"):
        line = next(line for line in out.splitlines() if line.strip().startswith(figure + " "))
        assert line.split()[-1] == "ok", line
    certificates = next(
        line for line in out.splitlines() if line.strip().startswith("certificates ")
    )
    assert certificates.split()[1:] == ["source", "3", "restored", "3", "ok"]
    assert "files checked: 1" in out
    # Its own databases are dropped; the source is untouched.
    assert databases_named(restored_name(out)) == []
    assert ServiceRecord.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_missing_a_file_a_record_names_fails_the_check(home_page, tmp_path):
    seed_records(home_page, people=1)
    photographed("volunteers/cd/not-backed-up.png")
    result = restore_check(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED: missing file private.tar.gz: volunteers/cd/not-backed-up.png" in result.stdout
    assert "restore check: FAILED" in result.stdout
    assert databases_named(restored_name(result.stdout)) == []


def test_a_count_that_differs_after_the_restore_is_a_failure():
    spec = importlib.util.spec_from_file_location("restore_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source = ({"certificates": 3}, {"courses_certificate": 3, "django_migrations": 90})
    lost = ({"certificates": 2}, {"courses_certificate": 2, "django_migrations": 91})
    problems, _notes = module.compare(source, lost, migrations_applied=0)
    assert problems == [
        "certificates: source 3, restored 2",
        "table courses_certificate: source 3, restored 2",
    ]
    # After new migrations a changed table is reported, but a lost figure still fails.
    problems, notes = module.compare(source, lost, migrations_applied=1)
    assert problems == ["certificates: source 3, restored 2"]
    assert notes == ["table courses_certificate: source 3, restored 2"]


def test_pruning_keeps_two_weeks_of_days_and_the_first_backup_of_each_month(tmp_path):
    now = datetime.now(UTC)

    def stamp(moment):
        return moment.strftime("%Y%m%dT%H%M%SZ")

    recent = stamp(now - timedelta(days=3))
    old_daily = stamp(now - timedelta(days=20))
    month = (now.replace(day=1) - timedelta(days=100)).replace(day=1)
    first_of_month, later_that_month = (
        stamp(month + timedelta(hours=2)),
        stamp(month + timedelta(days=2)),
    )
    ancient = stamp(now - timedelta(days=365 * 3))
    for name in (recent, old_daily, first_of_month, later_that_month, ancient, "notes"):
        (tmp_path / name).mkdir()
    environment = {**os.environ, "BACKUP_DIR": str(tmp_path)}
    result = subprocess.run(
        [str(BACKUP), "--prune"], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 0, result.stderr
    kept = {path.name for path in tmp_path.iterdir()}
    # old_daily is the first backup of its month; later_that_month is not, and is older than
    # two weeks; ancient's month is more than 24 months ago.
    assert kept == {recent, old_daily, first_of_month, "notes"}
