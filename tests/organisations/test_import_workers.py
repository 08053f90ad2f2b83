"""The import's preview and its confirmation in two separate processes, as with several workers.

Each `manage.py shell` below is its own Python process with its own local-memory cache; they
share only a file SQLite database and the private imports directory, as gunicorn workers share
PostgreSQL and the disk. The upload and preview happen in the first, the confirmation in the
second: it works only if nothing the confirmation needs was kept in process memory. The quiz
import (its preview waits in the session, which is in the database) is checked the same way.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PREVIEW = """
import json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.organisations.join_helpers import build_district, coordinator_of, xlsx_bytes
from tests.quizzes.test_import import row, xlsx

tree = build_district()
coordinator = coordinator_of(tree["town"])
client = Client()
client.force_login(coordinator)
sheet = xlsx_bytes([("赵一", "13900000001", "青浦区/朱家角镇/示例朱家角商业广场", "员工", "")])
response = client.post("/manage/import/", {"file": SimpleUploadedFile("m.xlsx", sheet)})
page = client.get(response.url).content.decode()
editor = get_user_model().objects.create_superuser("editor-x", password="x-long-password")
admin = Client()
admin.force_login(editor)
bank = admin.post("/admin/quizzes/import/", {"file": xlsx([row()])}).content.decode()
print(json.dumps({
    "digest": response.url.rstrip("/").rsplit("/", 1)[1],
    "plan": page.split('name="plan_digest" value="')[1].split('"')[0],
    "session": client.cookies["sessionid"].value,
    "admin_session": admin.cookies["sessionid"].value,
    "token": bank.split('name="token" value="')[1].split('"')[0],
}))
"""

CONFIRM = """
import json, sys
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from quizzes.models import Question

state = json.loads(sys.stdin.read())
cache.clear()
client = Client()
client.cookies["sessionid"] = state["session"]
digest = state["digest"]
response = client.post(
    f"/manage/import/{digest}/confirm/", {"file_digest": digest, "plan_digest": state["plan"]}
)
result = client.get(response.url)
passwords = client.get(response.url + "passwords.xlsx")
admin = Client()
admin.cookies["sessionid"] = state["admin_session"]
bank = admin.post("/admin/quizzes/import/", {"token": state["token"]})
print(json.dumps({
    "confirm": response.status_code,
    "result_url": response.url,
    "result": result.status_code,
    "passwords": passwords.status_code,
    "created": get_user_model().objects.filter(phone="13900000001").exists(),
    "bank": bank.status_code,
    "questions": Question.objects.count(),
}))
"""


def manage(*args, env, stdin=None):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


@pytest.mark.skipif(
    bool(os.environ.get("REDIS_URL")), reason="the point is two processes without a shared cache"
)
def test_preview_and_confirm_in_two_processes_without_a_shared_cache(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'workers.sqlite3'}",
        IMPORTS_ROOT=str(tmp_path),
    )
    manage("migrate", "--no-input", "-v", "0", env=env)
    state = manage("shell", "-c", PREVIEW, env=env)
    outcome = json.loads(manage("shell", "-c", CONFIRM, env=env, stdin=state))
    assert outcome["confirm"] == 302
    assert "/manage/import/result/" in outcome["result_url"]
    assert (outcome["result"], outcome["passwords"], outcome["created"]) == (200, 200, True)
    assert (outcome["bank"], outcome["questions"]) == (302, 1)
