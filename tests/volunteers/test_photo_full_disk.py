"""A volunteer's photo on a full disk: an error at the photo, no record, no partial photo."""

import errno

import pytest

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.full_disk import FullDiskStorage, files_under
from volunteers.models import ServiceRecord

from .test_logging import form_data
from .test_photos import png_bytes

pytestmark = pytest.mark.django_db
DISK_FULL = "磁盘空间不足"


@pytest.fixture
def private_dir():
    location = storages["private"].location
    for name in files_under(location):
        storages["private"].delete(name)
    return location


def photo():
    return SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EDQUOT, errno.EIO])
def test_logging_with_a_photo_on_a_full_disk_says_so_and_keeps_nothing(
    client, teams, private_dir, full_disk, error
):
    full_disk("private", error)
    client.force_login(teams["vol_a"])
    response = client.post("/volunteer/log/", {**form_data(teams["a"]), "photo": photo()})
    assert response.status_code == 200
    assert DISK_FULL in str(response.context["form"].errors["photo"])
    assert not ServiceRecord.objects.exists()
    assert [began for _path, began in FullDiskStorage.began] == [True]
    assert files_under(private_dir) == []


def test_a_new_photo_on_a_full_disk_changes_nothing_and_keeps_the_old_one(
    client, teams, private_dir, full_disk
):
    client.force_login(teams["vol_a"])
    client.post("/volunteer/log/", {**form_data(teams["a"]), "photo": photo()})
    record = ServiceRecord.objects.get()
    old = record.photo.name
    full_disk("private")
    response = client.post(
        f"/volunteer/records/{record.pk}/edit/",
        {**form_data(teams["a"], hours="3.0"), "photo": photo()},
    )
    assert response.status_code == 200
    assert DISK_FULL in response.content.decode()
    record.refresh_from_db()
    assert record.photo.name == old and record.hours == 2.5
    assert files_under(private_dir) == [old]
