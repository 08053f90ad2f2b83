"""Prove that a backup restores: dump, restore into a fresh database, migrate, compare.

    .venv/bin/python deploy/restore_check.py --source postgres://postgres@127.0.0.1/firesafety
    .venv/bin/python deploy/restore_check.py --demo     # a source of its own: migrate + load_demo
    make restore-check                                  # --source $DATABASE_URL, else --demo

1. In one REPEATABLE READ snapshot of the source (read only), count the records that matter
   (people, attempts, completions, certificates …) and every table's rows, and export the
   snapshot; deploy/backup.sh then dumps exactly that snapshot, with the media and private
   files, into a temporary directory. The counts and the dump agree even while people work.
2. Check the backup's SHA256SUMS, create a database of its own, `pg_restore` into it, run
   `manage.py migrate` against it, and count again.
3. Compare: every figure and every table must match (a table a newly applied migration changes
   is reported, not failed), and every file that a restored row names (images, documents,
   volunteers' photos) must be in the backup's archives. Any mismatch exits 1.

It creates and drops only databases named firesafety_restorecheck_<time>_<random>_*, on the
source's server, and never writes to the source. `--keep` leaves the restored database for a
look (its name is printed). Needs pg_dump, pg_restore and tar on the PATH, and the project's
virtualenv (psycopg, Django) to run with.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "firesafety_restorecheck_"

# The records a district cannot lose, as (name, query); each gives one number.
FIGURES = [
    ("people", "SELECT count(*) FROM accounts_user"),
    ("active people", "SELECT count(*) FROM accounts_user WHERE is_active"),
    ("organisations", "SELECT count(*) FROM organisations_organisation"),
    ("memberships", "SELECT count(*) FROM organisations_membership"),
    ("enrolments", "SELECT count(*) FROM courses_enrolment"),
    ("completions", "SELECT count(*) FROM courses_enrolment WHERE completed_at IS NOT NULL"),
    (
        "lessons completed",
        "SELECT count(*) FROM courses_lessonprogress WHERE completed_at IS NOT NULL",
    ),
    ("attempts", "SELECT count(*) FROM quizzes_attempt"),
    ("submitted attempts", "SELECT count(*) FROM quizzes_attempt WHERE submitted_at IS NOT NULL"),
    ("answers", "SELECT count(*) FROM quizzes_answer"),
    ("certificates", "SELECT count(*) FROM courses_certificate"),
    (
        "certificate codes (md5)",
        "SELECT md5(coalesce(string_agg(code, ',' ORDER BY code), '')) FROM courses_certificate",
    ),
    ("volunteer service records", "SELECT count(*) FROM volunteers_servicerecord"),
    ("audit entries", "SELECT count(*) FROM organisations_auditentry"),
    ("admin log entries", "SELECT count(*) FROM wagtailcore_modellogentry"),
    ("pages", "SELECT count(*) FROM wagtailcore_page"),
]
# Files named by rows: (table, column, archive). Renditions are left out: Wagtail remakes them.
FILES = [
    ("wagtailimages_image", "file", "media.tar.gz"),
    ("wagtaildocs_document", "file", "media.tar.gz"),
    ("volunteers_servicerecord", "photo", "private.tar.gz"),
]


def say(*parts):
    print(*parts, flush=True)  # noqa: T201 - a command-line tool


def database_url(url, name):
    """The same server and user as `url`, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}", query=""))


def run(command, **kwargs):
    """Run a tool, stopping with its own message if it fails."""
    kwargs.setdefault("check", True)
    return subprocess.run(command, **kwargs)  # noqa: S603 - fixed argument lists


def counts(connection):
    """Every figure and every table's row count, read in the connection's transaction."""
    with connection.cursor() as cursor:
        figures = {}
        for name, query in FIGURES:
            cursor.execute(query)
            figures[name] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = {}
        for (table,) in cursor.fetchall():
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            tables[table] = cursor.fetchone()[0]
    return figures, tables


def compare(source, restored, migrations_applied):
    """The mismatches between two `counts()` results, as lines; and the tolerated ones."""
    (source_figures, source_tables), (restored_figures, restored_tables) = source, restored
    problems, notes = [], []
    for name, expected in source_figures.items():
        if restored_figures.get(name) != expected:
            problems.append(f"{name}: source {expected}, restored {restored_figures.get(name)}")
    for table, expected in source_tables.items():
        if table == "django_migrations":
            continue
        found = restored_tables.get(table)
        if found != expected:
            line = f"table {table}: source {expected}, restored {found}"
            (notes if migrations_applied and found is not None else problems).append(line)
    return problems, notes


def missing_files(connection, backup):
    """(files named by restored rows, those of them the backup's archives do not hold)."""
    members = {}
    for archive in {archive for _table, _column, archive in FILES}:
        with tarfile.open(backup / archive) as tar:
            members[archive] = {os.path.normpath(name) for name in tar.getnames()}
    checked, missing = 0, []
    with connection.cursor() as cursor:
        for table, column, archive in FILES:
            query = sql.SQL("SELECT {column} FROM {table} WHERE {column} <> ''").format(
                column=sql.Identifier(column), table=sql.Identifier(table)
            )
            cursor.execute(query)
            for (name,) in cursor.fetchall():
                checked += 1
                if os.path.normpath(name) not in members[archive]:
                    missing.append(f"{archive}: {name} ({table}.{column})")
    return checked, missing


def manage(url, *arguments, **kwargs):
    """manage.py against another database (the environment's settings, that DATABASE_URL)."""
    environment = {**os.environ, "DATABASE_URL": url}
    run([sys.executable, str(ROOT / "manage.py"), *arguments], env=environment, cwd=ROOT, **kwargs)


class Databases:
    """The databases this run created on the server, dropped at the end unless kept."""

    def __init__(self, server_url):
        self.server_url = database_url(server_url, "postgres")
        self.stamp = f"{PREFIX}{time.strftime('%Y%m%d%H%M%S')}_{secrets.token_hex(3)}"
        self.created = []

    def create(self, suffix):
        name = f"{self.stamp}_{suffix}"
        with psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        return database_url(self.server_url, name)

    def drop_all(self, keep_restored=False):
        with psycopg.connect(self.server_url, autocommit=True) as connection:
            for name in self.created:
                if not name.startswith(PREFIX):  # never anyone else's database
                    raise RuntimeError(f"refusing to drop {name}")
                if keep_restored and name.endswith("_restored"):
                    continue
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def take_backup(source_url, directory, media, private):
    """Counts of the source and a backup of the same snapshot; returns (counts, backup dir)."""
    with psycopg.connect(source_url) as connection:
        connection.read_only = True
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with connection.transaction():
            snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            source_counts = counts(connection)
            environment = {
                **os.environ,
                "DATABASE_URL": source_url,
                "BACKUP_DIR": str(directory),
                "BACKUP_SNAPSHOT": snapshot,
                "MEDIA_ROOT": str(media),
                "PRIVATE_MEDIA_ROOT": str(private),
            }
            # The snapshot lives as long as this transaction: the dump runs inside it.
            result = run(
                [str(ROOT / "deploy" / "backup.sh")],
                env=environment,
                stdout=subprocess.PIPE,
                text=True,
            )
    return source_counts, Path(result.stdout.strip().splitlines()[-1])


def check(source_url, media, private, databases, keep=False):
    """The whole check against one source; returns the exit status."""
    with tempfile.TemporaryDirectory(prefix="restore-check-") as directory:
        started = time.monotonic()
        source_counts, backup = take_backup(source_url, Path(directory), media, private)
        say(f"backup written in {time.monotonic() - started:.1f} s: {backup.name}")
        run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=backup)

        restored_url = databases.create("restored")
        say(f"restoring into {urlsplit(restored_url).path[1:]}")
        run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={restored_url}",
                str(backup / "database.dump"),
            ]
        )
        with psycopg.connect(restored_url) as connection:
            before = counts(connection)[1].get("django_migrations", 0)
        manage(restored_url, "migrate", "--noinput", "-v0")
        with psycopg.connect(restored_url) as connection:
            restored_counts = counts(connection)
            checked, missing = missing_files(connection, backup)
        applied = restored_counts[1].get("django_migrations", 0) - before

    problems, notes = compare(source_counts, restored_counts, applied)
    problems += [f"missing file {line}" for line in missing]
    say(f"migrations applied after the restore: {applied}")
    width = max(len(name) for name, _query in FIGURES)
    for name, value in source_counts[0].items():
        restored = restored_counts[0].get(name)
        mark = "ok" if restored == value else "MISMATCH"
        say(f"  {name:<{width}}  source {value!s:>12}  restored {restored!s:>12}  {mark}")
    say(f"  tables compared: {len(source_counts[1])}, files checked: {checked}")
    for line in notes:
        say(f"  changed by a migration: {line}")
    for line in problems:
        say(f"  FAILED: {line}")
    if keep:
        say(f"kept: {restored_url}")
    elapsed = time.monotonic() - started
    say(f"restore check: {'FAILED' if problems else 'passed'} ({elapsed:.0f} s)")
    return 1 if problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--source", help="PostgreSQL URL of the database to check")
    source.add_argument(
        "--demo", action="store_true", help="check a source of its own (migrate + load_demo)"
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--media", default=os.environ.get("MEDIA_ROOT", ROOT / "media"))
    parser.add_argument(
        "--private",
        default=os.environ.get("PRIVATE_MEDIA_ROOT", ROOT / "var" / "private"),
    )
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    options = parser.parse_args(argv)
    source_url = options.source or (None if options.demo else os.environ.get("DATABASE_URL"))
    if source_url and not source_url.startswith(("postgres://", "postgresql://")):
        parser.error("the source must be a PostgreSQL URL (postgres://…)")

    databases = Databases(source_url or options.server)
    with ExitStack() as cleanup:
        cleanup.callback(databases.drop_all, keep_restored=options.keep)
        if source_url is None:
            source_url = databases.create("source")
            say("building the demo source (migrate + load_demo) …")
            manage(source_url, "migrate", "--noinput", "-v0")
            manage(source_url, "load_demo", stdout=subprocess.DEVNULL)
        return check(
            source_url, Path(options.media), Path(options.private), databases, options.keep
        )


if __name__ == "__main__":
    sys.exit(main())
