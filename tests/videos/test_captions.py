"""Captions: .vtt kept, .srt converted, anything else refused; the player and the page use them."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.courses.factories import VideoFactory, make_video_lesson
from tests.videos.conftest import needs_ffmpeg
from videos.captions import NotACaptionFile, to_webvtt
from videos.models import Video

SRT = (
    "1\r\n00:00:00,000 --> 00:00:02,500\r\n提起灭火器\r\n\r\n"
    "2\r\n00:00:02,500 --> 00:00:05,000\r\n拔掉<i>保险销</i>\r\n"
).encode()
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\n对准火焰根部\n".encode()


def test_srt_becomes_webvtt_with_its_text_as_the_transcript():
    vtt, transcript = to_webvtt(SRT)
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n提起灭火器")
    assert "00:00:02.500 --> 00:00:05.000" in vtt
    assert transcript == "提起灭火器\n拔掉保险销"


@pytest.mark.parametrize(
    "data", [b"", b"just some text\nno timings", b"\xff\xfe\x00garbage" * 10, b"x" * 2_000_000]
)
def test_what_is_not_webvtt_or_srt_is_refused(data):
    with pytest.raises(NotACaptionFile):
        to_webvtt(data)


def upload(client, captions, mp4_bytes):
    return client.post(
        "/admin/media/video/add/",
        {
            "title": "带字幕",
            "file": SimpleUploadedFile("demo.mp4", mp4_bytes),
            "captions": captions,
            "collection": 1,
        },
    )


@needs_ffmpeg
@pytest.mark.django_db
def test_an_srt_uploaded_with_the_video_is_stored_as_webvtt(admin_client, mp4_bytes):
    response = upload(admin_client, SimpleUploadedFile("subs.srt", SRT), mp4_bytes)
    assert response.status_code == 302
    video = Video.objects.get()
    assert video.captions.name.endswith(".vtt")
    assert video.captions.read().decode().startswith("WEBVTT")
    assert video.transcript == "提起灭火器\n拔掉保险销"


@needs_ffmpeg
@pytest.mark.django_db
def test_a_caption_file_that_is_not_webvtt_or_srt_is_refused_and_nothing_stored(
    admin_client, mp4_bytes
):
    response = upload(admin_client, SimpleUploadedFile("subs.srt", b"hello"), mp4_bytes)
    assert response.status_code == 200
    assert "WebVTT" in " ".join(response.context["form"].errors["captions"])
    assert not Video.objects.exists()


@pytest.fixture
def captioned_lesson(course):
    video = VideoFactory(
        captions=SimpleUploadedFile("c.vtt", VTT), transcript="对准火焰根部，左右扫射。"
    )
    return make_video_lesson(course, video=video, slug="captioned")


@pytest.mark.django_db
def test_the_lesson_offers_captions_and_the_transcript(client, captioned_lesson):
    page = client.get(captioned_lesson.url).content.decode()
    assert '<track kind="captions" srclang="zh"' in page
    assert " default>" not in page
    assert "对准火焰根部，左右扫射。" in page


@pytest.mark.django_db
def test_captions_are_on_by_default_for_large_type(client, captioned_lesson):
    client.cookies["large_type"] = "1"
    page = client.get(captioned_lesson.url).content.decode()
    assert '.vtt" default>' in page


@pytest.mark.django_db
def test_search_finds_a_lesson_by_a_word_of_its_transcript(client, captioned_lesson):
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    response = client.get("/search/", {"q": "扫射"})
    assert captioned_lesson.title in response.content.decode()
