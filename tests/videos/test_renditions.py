"""Smaller copies for weak networks: made by the upload task, offered as 清晰 / 流畅."""

import subprocess

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.courses.factories import make_video_lesson
from tests.videos.conftest import needs_ffmpeg
from videos import probe
from videos.models import Video

pytestmark = [pytest.mark.django_db, needs_ffmpeg]


@pytest.fixture
def uploaded(admin_client, settings, mp4_480_bytes, django_capture_on_commit_callbacks):
    settings.VIDEO_RENDITION_HEIGHTS = [720, 240]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/media/video/add/",
            {
                "title": "演示",
                "file": SimpleUploadedFile("demo.mp4", mp4_480_bytes),
                "collection": 1,
            },
        )
    assert response.status_code == 302
    return Video.objects.get()


def test_the_task_makes_a_smaller_h264_copy_with_its_index_first(uploaded):
    # No 720p copy of a 480-line file; a 240p one, playable, with the moov box before the data.
    (rendition,) = uploaded.renditions.all()
    assert rendition.height == 240
    with probe.local_path(rendition.file) as path:
        facts = probe.probe(path)
        streams = subprocess.run(
            ["/usr/bin/ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of",
             "csv=p=0", path],
            capture_output=True, check=True, text=True,
        ).stdout.split()  # fmt: skip
    assert (facts.height, facts.codec) == (240, "h264")
    assert "aac" in streams
    data = rendition.file.storage.open(rendition.file.name).read()
    assert data.index(b"moov") < data.index(b"mdat")


def test_the_lesson_offers_clear_and_smooth(client, course, uploaded):
    lesson = make_video_lesson(course, video=uploaded, slug="quality")
    page = client.get(lesson.url).content.decode()
    (rendition,) = uploaded.renditions.all()
    assert f'data-src="{uploaded.url}"' in page  # 清晰: the file itself, no 720p copy of it
    assert f'data-src="{rendition.url}" data-smooth' in page
    assert "流畅" in page and "清晰" in page


def test_a_copy_is_served_with_byte_ranges(client, uploaded):
    rendition = uploaded.renditions.get()
    response = client.get(rendition.url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response["Content-Range"].startswith("bytes 0-99/")
    assert client.get(rendition.url.replace("240p", "720p")).status_code == 404


def test_a_file_without_copies_offers_no_choice(client, course, admin_client, mp4_bytes):
    video = Video.objects.create(
        title="小", type="video", file=SimpleUploadedFile("s.mp4", mp4_bytes)
    )
    lesson = make_video_lesson(course, video=video, slug="small")
    assert "data-video-quality" not in client.get(lesson.url).content.decode()


def test_deleting_a_video_removes_its_copies_and_their_files(
    admin_client, uploaded, django_capture_on_commit_callbacks
):
    rendition = uploaded.renditions.get()
    storage, name = rendition.file.storage, rendition.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/media/delete/{uploaded.pk}/")
    assert response.status_code == 302
    assert not Video.objects.exists()
    assert not storage.exists(name)
