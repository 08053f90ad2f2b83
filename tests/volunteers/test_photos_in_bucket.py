"""With PRIVATE_FILES_IN_BUCKET, volunteers' photos live in the bucket and stay private there."""

import pytest
import requests

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from volunteers.models import ServiceRecord

from .test_logging import form_data
from .test_photos import png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.object_storage]


def test_a_photo_in_the_bucket_is_private_and_served_only_by_the_checked_view(
    client, teams, private_files_bucket
):
    client.force_login(teams["vol_a"])
    upload = SimpleUploadedFile("张三在现场.png", png_bytes(), content_type="image/png")
    assert (
        client.post("/volunteer/log/", {**form_data(teams["a"]), "photo": upload}).status_code
        == 302
    )
    record = ServiceRecord.objects.get()
    key = f"private/private/{record.photo.name}"
    assert private_files_bucket.stored_keys() == {key}
    # The bucket's policy opens only the pictures of Wagtail: this object needs a signature.
    assert requests.get(f"{private_files_bucket.url}/{key}", timeout=10).status_code == 403

    client.force_login(teams["lead_a"])
    response = client.get(record.photo.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    client.force_login(UserFactory(username="stranger-s3"))
    assert client.get(record.photo.url).status_code == 404
