"""A full disk under uploads our own forms do not handle: a Chinese 503 page, nothing kept."""

import errno
import logging
from unittest import mock

import pytest

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client

from wagtail.images import get_image_model

from tests.factories import UserFactory
from tests.full_disk import FullDiskStorage, files_under
from tests.volunteers.test_photos import png_bytes

pytestmark = pytest.mark.django_db


def assert_disk_full_page(response):
    assert response.status_code == 503
    page = response.content.decode()
    assert "磁盘空间不足" in page
    assert "Traceback" not in page and "Errno" not in page


def test_a_wagtail_image_upload_on_a_full_disk_answers_the_disk_page_and_keeps_nothing(
    client, full_disk, settings, tmp_path, caplog
):
    caplog.set_level(logging.ERROR, logger="config.faults")
    settings.MEDIA_ROOT = tmp_path / "media"
    full_disk("default")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    image = SimpleUploadedFile("poster.png", png_bytes(), content_type="image/png")
    response = client.post("/admin/images/add/", {"title": "海报", "file": image, "tags": ""})
    assert_disk_full_page(response)
    assert not get_image_model().objects.exists()
    assert [began for _path, began in FullDiskStorage.began] == [True]
    assert files_under(storages["default"].location) == []
    assert any("Disk full or failing" in record.getMessage() for record in caplog.records)


def test_a_full_temporary_directory_while_receiving_an_upload_answers_the_disk_page(
    learner, settings
):
    # Large uploads are spooled to FILE_UPLOAD_TEMP_DIR by Django before any view sees them.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    full = OSError(errno.ENOSPC, "No space left on device")
    upload = SimpleUploadedFile("members.xlsx", b"x" * 4096)
    with mock.patch.object(TemporaryFileUploadHandler, "receive_data_chunk", side_effect=full):
        response = client.post("/manage/import/", {"file": upload})
    assert_disk_full_page(response)
