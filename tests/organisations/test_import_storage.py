"""Where a member import waits: the database and private storage, never the cache."""

import io
from datetime import timedelta

import openpyxl
import pytest
import time_machine

from django.core.cache import cache
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from organisations.models import PendingImport
from tests.organisations.join_helpers import xlsx_bytes
from tests.organisations.test_import import GOOD_ROWS, preview_and_confirm, upload


@pytest.fixture
def coordinator_client(client, db):
    from tests.organisations.join_helpers import build_district, coordinator_of

    tree = build_district()
    client.force_login(coordinator_of(tree["town"]))
    return client


def test_upload_waits_in_the_database_and_private_storage_not_in_the_cache(
    coordinator_client, settings
):
    cache.clear()
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    pending = PendingImport.objects.get()
    assert pending.state == "preview" and len(pending.plan) == 3
    assert response.url.endswith(f"/{pending.digest}/")
    assert pending.file.storage == storages["imports"]
    assert not pending.file.name.startswith(str(settings.MEDIA_ROOT))
    assert "members" not in pending.file.name  # a random name, not the coordinator's
    assert pending.file.storage.exists(pending.file.name)
    cache.clear()  # a different worker: nothing in its cache
    assert "赵一" in coordinator_client.get(response.url).content.decode()


def test_one_time_passwords_are_only_in_the_sheet_and_it_is_deleted_at_download(
    coordinator_client,
):
    response = preview_and_confirm(coordinator_client, xlsx_bytes(GOOD_ROWS))
    pending = PendingImport.objects.get()
    assert pending.state == "done"
    assert not pending.file.name  # the uploaded sheet is gone once applied
    sheet_name = pending.passwords.name
    assert pending.passwords.storage.exists(sheet_name)
    sheet = coordinator_client.get(response.url + "passwords.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.values)[1:]
    passwords = [row[3] for row in rows]
    stored = str(PendingImport.objects.values_list("result", "plan").get())
    assert not any(password in stored for password in passwords)
    assert not pending.passwords.storage.exists(sheet_name)
    assert not PendingImport.objects.get().passwords.name
    assert coordinator_client.get(response.url + "passwords.xlsx").status_code == 404


def test_expired_imports_are_refused_and_forgotten_with_their_files(coordinator_client):
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    pending = PendingImport.objects.get()
    digest = pending.digest
    page = coordinator_client.get(response.url).content.decode()
    plan_digest = page.split('name="plan_digest" value="')[1].split('"')[0]
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        confirm = coordinator_client.post(
            reverse("organisations:import_confirm", args=[digest]),
            {"file_digest": digest, "plan_digest": plan_digest},
        )
        assert confirm.url == reverse("organisations:import_upload")
        out = io.StringIO()
        call_command("forget_old_imports", stdout=out)
    assert "1 expired import" in out.getvalue()
    assert not PendingImport.objects.exists()
    assert not pending.file.storage.exists(pending.file.name)


def test_a_confirmed_result_and_its_passwords_expire(coordinator_client):
    response = preview_and_confirm(coordinator_client, xlsx_bytes(GOOD_ROWS))
    sheet = PendingImport.objects.get().passwords
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert coordinator_client.get(response.url).status_code == 404
        assert coordinator_client.get(response.url + "passwords.xlsx").status_code == 404
        call_command("forget_old_imports", stdout=io.StringIO())
    assert not sheet.storage.exists(sheet.name)


def test_a_second_confirm_of_the_same_upload_saves_nothing_more(coordinator_client):
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    page = coordinator_client.get(response.url).content.decode()
    digest = PendingImport.objects.get().digest
    plan_digest = page.split('name="plan_digest" value="')[1].split('"')[0]
    url = reverse("organisations:import_confirm", args=[digest])
    first = coordinator_client.post(url, {"file_digest": digest, "plan_digest": plan_digest})
    second = coordinator_client.post(url, {"file_digest": digest, "plan_digest": plan_digest})
    assert "/result/" in first.url
    assert second.url == reverse("organisations:import_upload")
    assert PendingImport.objects.count() == 1


def test_a_result_token_that_is_not_an_id_is_a_404(coordinator_client):
    assert coordinator_client.get("/manage/import/result/not-a-uuid/").status_code == 404
