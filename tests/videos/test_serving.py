"""Video bytes for the player: byte ranges as phones need them, privacy before anything."""

import pytest

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from wagtail.models import Collection, CollectionViewRestriction

from tests.courses.factories import VideoFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 40  # 10 240 bytes, each position recognisable


@pytest.fixture
def video():
    return VideoFactory(file=ContentFile(CONTENT, name="lesson.mp4"))


def get(client, video, **headers):
    return client.get(video.url, headers=headers)


def body(response):
    return b"".join(response.streaming_content)


def test_without_a_range_the_whole_file_is_sent_and_ranges_are_offered(client, video):
    response = get(client, video)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(CONTENT))
    assert body(response) == CONTENT


def test_the_first_bytes(client, video):
    response = get(client, video, Range="bytes=0-1")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-1/{len(CONTENT)}"
    assert response["Content-Length"] == "2"
    assert body(response) == CONTENT[:2]


def test_a_range_in_the_middle(client, video):
    response = get(client, video, Range="bytes=5000-5999")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 5000-5999/{len(CONTENT)}"
    assert body(response) == CONTENT[5000:6000]


def test_an_open_range_runs_to_the_end(client, video):
    response = get(client, video, Range="bytes=10000-")
    assert response.status_code == 206
    assert body(response) == CONTENT[10000:]


def test_a_suffix_range_gives_the_last_bytes(client, video):
    response = get(client, video, Range="bytes=-100")
    assert response.status_code == 206
    assert (
        response["Content-Range"] == f"bytes {len(CONTENT) - 100}-{len(CONTENT) - 1}/{len(CONTENT)}"
    )
    assert body(response) == CONTENT[-100:]


@pytest.mark.parametrize("header", ["bytes=20000-", "bytes=20000-30000", "bytes=abc", "bytes=9-3"])
def test_a_range_beyond_the_end_or_malformed_is_416(client, video, header):
    response = get(client, video, Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CONTENT)}"


def test_if_range_with_the_current_etag_gives_the_range(client, video):
    etag = get(client, video)["ETag"]
    response = get(client, video, Range="bytes=0-9", If_Range=etag)
    assert response.status_code == 206
    assert body(response) == CONTENT[:10]


def test_if_range_with_another_etag_gives_the_whole_file(client, video):
    response = get(client, video, Range="bytes=0-9", If_Range='"an-older-version"')
    assert response.status_code == 200
    assert body(response) == CONTENT


def test_a_wrong_file_name_is_404(client, video):
    assert client.get(f"/videos/{video.pk}/other.mp4").status_code == 404
    assert client.get("/videos/999999/lesson.mp4").status_code == 404


@pytest.fixture
def private_video():
    root = Collection.get_first_root_node()
    staff_only = root.add_child(name="内部培训视频")
    restriction = CollectionViewRestriction.objects.create(
        collection=staff_only, restriction_type=CollectionViewRestriction.GROUPS
    )
    group = Group.objects.create(name="内部学员")
    restriction.groups.add(group)
    return VideoFactory(
        file=ContentFile(CONTENT, name="internal.mp4"), collection=staff_only
    ), group


def test_a_private_video_is_404_to_someone_not_allowed(client, private_video):
    video, _group = private_video
    assert get(client, video, Range="bytes=0-9").status_code == 404
    client.force_login(UserFactory())
    assert get(client, video, Range="bytes=0-9").status_code == 404


def test_a_private_video_plays_for_its_group(client, private_video):
    video, group = private_video
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)
    response = get(client, video, Range="bytes=0-9")
    assert response.status_code == 206
    assert body(response) == CONTENT[:10]


def test_in_production_nginx_sends_the_bytes_after_the_check(
    client, settings, video, private_video
):
    settings.VIDEO_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    response = get(client, video, Range="bytes=0-9")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{video.file.name}"
    assert response.content == b""
    private, _group = private_video
    assert get(client, private).status_code == 404  # refused before nginx is asked


def test_head_answers_the_length_without_the_bytes(client, video):
    response = client.head(video.url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(CONTENT))


def test_serving_a_video_takes_a_fixed_number_of_queries(
    client, video, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        body(get(client, video, Range="bytes=0-99"))


def test_captions_come_through_the_same_check_as_the_video(client, private_video):
    video, group = private_video
    video.captions.save(
        "internal.vtt",
        ContentFile(b"WEBVTT\n\n00:00.000 --> 00:02.000\n\xe5\x86\x85\xe9\x83\xa8\n"),
    )
    assert client.get(video.captions_url).status_code == 404
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)
    response = client.get(video.captions_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    assert body(response).startswith(b"WEBVTT")
