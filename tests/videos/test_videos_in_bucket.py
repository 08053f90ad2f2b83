"""Videos in the bucket (AWS_STORAGE_BUCKET_NAME): the store sends the bytes, after the check.

The serving view checks the collection's privacy, then hands a signed, expiring link to the
object (the bucket policy keeps videos private), so no web worker streams video.
"""

from datetime import UTC, datetime

import pytest
import requests

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from wagtail.models import Collection, CollectionViewRestriction

from tests.config.test_object_storage import assert_signed_for
from tests.courses.factories import VideoFactory
from tests.factories import UserFactory
from tests.object_storage import SIGNED_URL_SECONDS

pytestmark = [pytest.mark.django_db, pytest.mark.object_storage]

CONTENT = bytes(range(256)) * 8


def test_a_video_in_the_bucket_is_handed_over_as_a_signed_link(bucket, client):
    video = VideoFactory(file=ContentFile(CONTENT, name="bucket-lesson.mp4"))
    assert any(key.endswith("bucket-lesson.mp4") for key in bucket.stored_keys())
    response = client.get(video.url)
    assert response.status_code == 302
    assert response["Location"].startswith(bucket.url)
    assert_signed_for(response["Location"], seconds=SIGNED_URL_SECONDS, at=datetime.now(UTC))
    assert requests.get(response["Location"], timeout=10).content == CONTENT
    unsigned = response["Location"].split("?", 1)[0]
    assert requests.get(unsigned, timeout=10).status_code == 403


def test_a_private_video_in_the_bucket_is_404_before_any_link(bucket, client):
    staff_only = Collection.get_first_root_node().add_child(name="内部视频（桶）")
    restriction = CollectionViewRestriction.objects.create(
        collection=staff_only, restriction_type=CollectionViewRestriction.GROUPS
    )
    group = Group.objects.create(name="内部学员（桶）")
    restriction.groups.add(group)
    video = VideoFactory(file=ContentFile(CONTENT, name="internal.mp4"), collection=staff_only)
    video.captions.save("internal.vtt", ContentFile(b"WEBVTT\n"))
    for url in (video.url, video.captions_url):
        assert client.get(url).status_code == 404
    member = UserFactory()
    member.groups.add(group)
    client.force_login(member)
    for url in (video.url, video.captions_url):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(bucket.url)
