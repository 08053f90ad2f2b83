"""Uploading a video in the admin: what is refused (nothing stored) and what is read from it."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from courses.services import record_video_progress
from tests.courses.factories import VideoFactory, make_video_lesson
from tests.videos.conftest import needs_ffmpeg
from videos.models import Video

ADD_URL = "/admin/media/video/add/"

pytestmark = [pytest.mark.django_db, needs_ffmpeg]


def upload(client, name, content, title="灭火器演示"):
    return client.post(
        ADD_URL,
        {"title": title, "file": SimpleUploadedFile(name, content), "collection": 1, "tags": ""},
    )


def form_errors(response):
    return response.context["form"].errors


def test_an_mp4_is_stored_and_its_duration_size_codec_and_poster_are_read(
    admin_client, mp4_bytes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued on commit
        response = upload(admin_client, "demo.mp4", mp4_bytes)
    assert response.status_code == 302, response.context and form_errors(response)
    video = Video.objects.get()
    assert video.duration == pytest.approx(3, abs=0.1)
    assert (video.width, video.height, video.codec) == (160, 120, "h264")
    assert video.size_bytes == len(mp4_bytes)
    assert video.thumbnail.name.endswith(".jpg")
    assert video.thumbnail.storage.size(video.thumbnail.name) > 0


def test_a_webm_video_is_accepted(admin_client, webm_bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(admin_client, "demo.webm", webm_bytes).status_code == 302
    assert Video.objects.get().codec == "vp9"


def test_a_file_that_is_not_a_video_is_refused_and_nothing_is_stored(admin_client):
    response = upload(admin_client, "slides.mp4", b"%PDF-1.7 this is a pdf, not a video" * 50)
    assert response.status_code == 200
    assert "不是手机能播放的视频" in " ".join(form_errors(response)["file"])
    assert not Video.objects.exists()


def test_a_corrupt_mp4_is_refused(admin_client, mp4_bytes):
    # An upload cut off in the middle: the header is there, the pictures are not.
    response = upload(admin_client, "cut.mp4", mp4_bytes[: len(mp4_bytes) // 20])
    assert response.status_code == 200
    assert "不是手机能播放的视频" in " ".join(form_errors(response)["file"])
    assert not Video.objects.exists()


def test_another_extension_is_refused(admin_client, mp4_bytes):
    response = upload(admin_client, "demo.avi", mp4_bytes)
    assert response.status_code == 200
    assert "file" in form_errors(response)
    assert not Video.objects.exists()


def test_a_video_over_the_size_limit_is_refused(admin_client, settings, mp4_bytes):
    settings.VIDEO_MAX_UPLOAD_SIZE = 1024
    response = upload(admin_client, "demo.mp4", mp4_bytes)
    assert response.status_code == 200
    message = " ".join(form_errors(response)["file"])
    assert "1.0 KB" in message or "1.0 KB" in message.replace("\xa0", " ")
    assert not Video.objects.exists()


def test_audio_cannot_be_uploaded_to_the_video_library(admin_client, mp4_bytes):
    response = admin_client.post(
        "/admin/media/audio/add/",
        {"title": "声音", "file": SimpleUploadedFile("a.mp4", mp4_bytes), "collection": 1},
    )
    assert response.status_code == 200
    assert not Video.objects.exists()


def test_the_lessons_watching_time_is_the_duration_read_from_the_file(
    admin_client, mp4_bytes, course, responsible, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, "demo.mp4", mp4_bytes)
    video = Video.objects.get()
    lesson = make_video_lesson(course, slug="from-file", video=video)
    assert lesson.video_duration_seconds == pytest.approx(3, abs=0.1)
    progress = record_video_progress(responsible, lesson, 0, 60, 60)
    # Spans are clipped to the file's length, whatever the player claims.
    assert progress.video_position == pytest.approx(video.duration)


def test_the_demo_editors_group_may_upload_and_choose_videos(client, mp4_bytes):
    from django.contrib.auth import get_user_model

    from home import demo as home_demo

    home_demo.load()
    client.force_login(get_user_model().objects.get(username="editor"))
    assert client.get("/admin/media/").status_code == 200
    assert client.get("/admin/media/chooser/video/").status_code == 200
    response = upload(client, "demo.mp4", mp4_bytes)
    assert response.status_code == 302
    assert Video.objects.get().uploaded_by_user.username == "editor"


def test_the_library_offers_to_add_videos_only(admin_client):
    VideoFactory()
    page = admin_client.get("/admin/media/").content.decode()
    assert "/admin/media/video/add/" in page
    assert "/admin/media/audio/add/" not in page
