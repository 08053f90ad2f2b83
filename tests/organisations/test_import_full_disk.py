"""A member import on a full disk: a clear message, no partial file, no import without its file."""

import errno
import logging
from unittest import mock

import pytest

from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import OperationalError
from django.urls import reverse

from organisations.models import PendingImport
from tests.full_disk import FullDiskStorage, files_under
from tests.organisations.join_helpers import build_district, coordinator_of, xlsx_bytes
from tests.organisations.test_import import GOOD_ROWS, upload

User = get_user_model()
DISK_FULL = "磁盘空间不足"


@pytest.fixture
def coordinator_client(client, db):
    client.force_login(coordinator_of(build_district()["town"]))
    return client


@pytest.fixture
def imports_dir():
    """The imports storage starts empty (the test settings share one directory)."""
    location = storages["imports"].location
    for name in files_under(location):
        storages["imports"].delete(name)
    return location


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EDQUOT, errno.EIO])
def test_an_upload_on_a_full_disk_says_so_and_keeps_nothing(
    coordinator_client, imports_dir, full_disk, caplog, error
):
    caplog.set_level(logging.ERROR, logger="config.storage")
    full_disk("imports", error)
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    assert response.status_code == 200
    assert DISK_FULL in str(response.context["form"].errors["file"])
    assert DISK_FULL in response.content.decode()
    assert not PendingImport.objects.exists()
    # The write really began, and what it wrote is gone.
    assert [began for _path, began in FullDiskStorage.began] == [True]
    assert files_under(imports_dir) == []
    assert any("Disk full or failing" in record.getMessage() for record in caplog.records)


def test_a_confirmation_on_a_full_disk_saves_nothing_and_can_be_retried(
    coordinator_client, imports_dir, full_disk, settings
):
    before = User.objects.count()
    healthy = settings.STORAGES
    digest = upload(coordinator_client, xlsx_bytes(GOOD_ROWS)).url.rstrip("/").rsplit("/", 1)[1]
    preview = coordinator_client.get(reverse("organisations:import_preview", args=[digest]))
    plan_digest = preview.content.decode().split('name="plan_digest" value="')[1].split('"')[0]
    [sheet] = files_under(imports_dir)

    def confirm():
        return coordinator_client.post(
            reverse("organisations:import_confirm", args=[digest]),
            {"file_digest": digest, "plan_digest": plan_digest},
        )

    full_disk("imports")  # the disk fills between the preview and the confirmation
    response = confirm()
    assert response.status_code == 302
    assert response.url == reverse("organisations:import_preview", args=[digest])
    assert DISK_FULL in coordinator_client.get(response.url).content.decode()
    # Nobody was created, the import still waits with its sheet, no passwords sheet is left.
    pending = PendingImport.objects.get()
    assert User.objects.count() == before
    assert pending.state == PendingImport.State.PREVIEW and not pending.passwords
    assert [began for _path, began in FullDiskStorage.began] == [True]
    assert files_under(imports_dir) == [sheet]

    settings.STORAGES = healthy  # space is freed: the same confirmation now goes through
    assert confirm().status_code == 302
    assert PendingImport.objects.get().state == PendingImport.State.DONE
    assert User.objects.count() == before + 3


def test_an_upload_whose_record_cannot_be_saved_leaves_no_file(coordinator_client, imports_dir):
    failing = OperationalError("the database system is shutting down")
    with mock.patch.object(PendingImport, "save", side_effect=failing):
        response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    assert response.status_code == 503
    assert files_under(imports_dir) == []
