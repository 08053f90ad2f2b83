"""Confirming an import carries the preview form's key: a replay imports nothing more."""

import pytest

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisations.models import AuditEntry, PendingImport
from tests.idempotency.forms import flashed, form_key
from tests.organisations.join_helpers import build_district, coordinator_of, xlsx_bytes

UNIT = "青浦区/朱家角镇/示例朱家角商业广场"


@pytest.fixture
def coordinator_client(client, db):
    tree = build_district()
    client.force_login(coordinator_of(tree["town"]))
    return client


def confirm_form(client, rows):
    """Upload a sheet and read the preview's confirm form, as the coordinator's browser does."""
    sheet = SimpleUploadedFile("members.xlsx", xlsx_bytes(rows))
    upload = client.post(reverse("organisations:import_upload"), {"file": sheet})
    digest = upload.url.rstrip("/").rsplit("/", 1)[1]
    page = client.get(upload.url).content.decode()
    return reverse("organisations:import_confirm", args=[digest]), {
        "file_digest": digest,
        "plan_digest": page.split('name="plan_digest" value="')[1].split('"')[0],
        "idempotency_key": form_key(page),
    }


def test_replaying_the_confirm_imports_once_and_shows_the_same_result(coordinator_client):
    url, data = confirm_form(coordinator_client, [("赵一", "13900000001", UNIT, "员工", "A01")])
    first = coordinator_client.post(url, data, follow=True)
    replay = coordinator_client.post(url, data, follow=True)
    assert first.redirect_chain == replay.redirect_chain
    assert replay.redirect_chain[0][0].startswith("/manage/import/result/")
    assert replay.status_code == 200
    assert flashed(replay) == flashed(first)
    assert get_user_model().objects.filter(phone="13900000001").count() == 1
    assert PendingImport.objects.filter(state=PendingImport.State.DONE).count() == 1
    assert AuditEntry.objects.filter(action="firesafety.import.confirm").count() == 1


def test_without_a_key_a_second_confirm_still_says_it_was_already_done(coordinator_client):
    url, data = confirm_form(coordinator_client, [("赵一", "13900000001", UNIT, "员工", "A01")])
    del data["idempotency_key"]
    first = coordinator_client.post(url, data)
    second = coordinator_client.post(url, data)
    assert first["Location"].startswith("/manage/import/result/")
    assert second["Location"] == reverse("organisations:import_upload")
    assert AuditEntry.objects.filter(action="firesafety.import.confirm").count() == 1
