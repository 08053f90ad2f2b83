"""A gunicorn worker SIGKILLed between a submit's commit and its response, then the replay.

The site runs under gunicorn (one worker, restarted by its master) on the test's database: a
file copy of the SQLite test database, or the PostgreSQL test database itself. Its settings
(killing_settings) add one thing: the worker kills itself in `transaction.on_commit` after a
submit's claim is committed, so the browser's POST gets no answer at all. The browser then sends
the same POST again, as it does after a timeout; the restarted worker must answer the result of
the first, and the database must hold exactly one graded attempt, one import and one batch of
reminders.
"""

import os
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from idempotency.models import IdempotencyKey
from organisations.models import AuditEntry, PendingImport
from quizzes import services
from quizzes.models import Attempt
from reports.models import Reminder
from tests.idempotency.forms import form_key
from tests.organisations.join_helpers import xlsx_bytes
from tests.quizzes.conftest import right_answers

ROOT = Path(__file__).resolve().parents[2]
PORT = 8101  # this task's port (BRIEF: 8100 + task number)
BASE = f"http://127.0.0.1:{PORT}"
# One worker, the app loaded before the fork, so the master restarts a killed worker at once.
WORKER = ["--workers", "1", "--preload", "--timeout", "30"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_for_the_site(tmp_path):
    """The URL the server uses for this test's database; its writes are seen here afterwards."""
    if connection.vendor == "sqlite":
        # The test database lives in this process's memory: copy it to a file and back.
        path = tmp_path / "site.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        yield f"sqlite:///{path}"
        with sqlite3.connect(path) as copy:
            copy.backup(connection.connection)
    else:
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        yield f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def gunicorn(database_url, log):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.idempotency.killing_settings",
        "DATABASE_URL": database_url,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{PORT}", *WORKER],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{BASE}/accounts/login/", timeout=5)
                break
            except requests.ConnectionError:
                assert server.poll() is None, "gunicorn did not start"
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=15)


def browser_of(user):
    """A requests session signed in as user (the session is stored in the shared database)."""
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    return browser


def form_of(browser, path):
    page = browser.get(BASE + path, timeout=20)
    assert page.status_code == 200, page.text[:500]
    return {
        "csrfmiddlewaretoken": CSRF_FIELD.search(page.text).group(1),
        "idempotency_key": form_key(page.text),
    }, page.text


def post_killed_then_replayed(browser, path, data):
    """The POST whose worker dies after the commit, then the browser's retry of it."""
    with pytest.raises(requests.ConnectionError):
        browser.post(BASE + path, data, allow_redirects=False, timeout=20)
    replay = browser.post(BASE + path, data, allow_redirects=False, timeout=20)
    assert replay.status_code == 302, replay.text[:500]
    shown = browser.get(BASE + replay.headers["Location"], timeout=20)
    assert shown.status_code == 200
    return replay.headers["Location"], shown.text


def test_a_worker_killed_after_the_commit_did_the_work_once_and_the_replay_shows_it(
    tmp_path, small_district, coordinator_of, make_quiz
):
    learner = small_district["people"]["p1"]
    attempt = services.start_attempt(learner, make_quiz(3))
    coordinator = coordinator_of(small_district["town_a"])
    uploader = Client()
    uploader.force_login(coordinator)
    sheet = xlsx_bytes([("赵一", "13900000001", "青浦区/A镇/U1商场", "员工", "")])
    preview = uploader.post("/manage/import/", {"file": SimpleUploadedFile("m.xlsx", sheet)}).url
    digest = preview.rstrip("/").rsplit("/", 1)[1]
    reminders = (
        f"/reports/reminders/?requirement={small_district['requirement'].pk}"
        f"&organisation={small_district['town_a'].pk}"
    )
    learner_browser, coordinator_browser = browser_of(learner), browser_of(coordinator)

    with (
        database_for_the_site(tmp_path) as database_url,
        open(tmp_path / "gunicorn.log", "w") as log,
        gunicorn(database_url, log),
    ):
        submit = f"/quizzes/attempts/{attempt.pk}/submit/"
        data, _page = form_of(learner_browser, f"/quizzes/attempts/{attempt.pk}/")
        answers = {f"q{q}": choices for q, choices in right_answers(attempt).items()}
        result_url, result = post_killed_then_replayed(
            learner_browser, submit, data | {"form_answers": "1"} | answers
        )
        assert result_url == f"/quizzes/attempts/{attempt.pk}/result/"
        assert "100" in result

        data, page = form_of(coordinator_browser, preview)
        data |= {
            "file_digest": digest,
            "plan_digest": page.split('name="plan_digest" value="')[1].split('"')[0],
        }
        import_url, _result = post_killed_then_replayed(
            coordinator_browser, f"/manage/import/{digest}/confirm/", data
        )
        assert import_url.startswith("/manage/import/result/")

        data, _page = form_of(coordinator_browser, reminders)
        reminders_url, listed = post_killed_then_replayed(
            coordinator_browser, reminders, data | {"everyone": "1", "confirmed": "1"}
        )
        assert reminders_url.startswith(reminders)
        assert "本次跳过" in listed  # the first request's counts, shown again

    sigkills = (tmp_path / "gunicorn.log").read_text().count("SIGKILL")
    assert sigkills == 3, (tmp_path / "gunicorn.log").read_text()[-3000:]
    assert list(Attempt.objects.filter(user=learner).values_list("status", "score")) == [
        ("graded", 100)
    ]
    assert PendingImport.objects.filter(state=PendingImport.State.DONE).count() == 1
    assert get_user_model().objects.filter(phone="13900000001").count() == 1
    assert AuditEntry.objects.filter(action="firesafety.import.confirm").count() == 1
    batches = AuditEntry.objects.filter(action="firesafety.reminder.send")
    assert batches.count() == 1
    reminded = Reminder.objects.all()
    assert reminded.count() == batches.get().data["reminded"] > 0
    assert len(set(reminded.values_list("user_id", flat=True))) == reminded.count()
    assert IdempotencyKey.objects.count() == 3
