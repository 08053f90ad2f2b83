"""load_demo's demo video: drawn once with ffmpeg, then copied from the cache."""

import pytest

from tests.videos.conftest import needs_ffmpeg
from videos import demo
from videos.models import Video

pytestmark = [pytest.mark.django_db, needs_ffmpeg]

SPEC = {
    "title": "缓存测试视频",
    "heading": "缓存测试",
    "seconds": 2,
    "captions": [[0, 1, "第一句"]],
}


def drawn_afresh(monkeypatch):
    """Count how often ffmpeg draws a demo video."""
    calls = []
    draw = demo._draw

    def counting(spec, target):
        calls.append(spec["title"])
        return draw(spec, target)

    monkeypatch.setattr(demo, "_draw", counting)
    return calls


def test_a_second_demo_video_comes_from_the_cache_with_its_renditions_and_facts(
    settings, tmp_path, monkeypatch
):
    settings.DEMO_VIDEO_CACHE_DIR = str(tmp_path / "cache")
    drawn = drawn_afresh(monkeypatch)
    first = demo.make_video(SPEC)
    first_rendition = first.renditions.get().file.read()
    Video.objects.all().delete()
    second = demo.make_video(SPEC)

    assert drawn == [SPEC["title"]]
    assert second.duration == first.duration == pytest.approx(2, abs=0.2)
    assert (second.width, second.height, second.codec) == (1280, 720, "h264")
    assert not second.needs_probe  # the upload task does not encode the copy again
    assert [r.height for r in second.renditions.all()] == [480]
    assert second.renditions.get().file.read() == first_rendition
    assert second.thumbnail and second.transcript == "第一句"
    assert second.file.read()[4:8] == b"ftyp"


def test_a_changed_spec_draws_the_video_again(settings, tmp_path, monkeypatch):
    settings.DEMO_VIDEO_CACHE_DIR = str(tmp_path / "cache")
    drawn = drawn_afresh(monkeypatch)
    demo.make_video(SPEC)
    demo.make_video({**SPEC, "heading": "另一个标题"})
    assert len(drawn) == 2


def test_without_a_cache_directory_every_load_draws(settings, tmp_path, monkeypatch):
    settings.DEMO_VIDEO_CACHE_DIR = ""
    drawn = drawn_afresh(monkeypatch)
    demo.make_video(SPEC)
    demo.make_video(SPEC)
    assert len(drawn) == 2


def test_an_unwritable_cache_leaves_the_video_made(settings, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    settings.DEMO_VIDEO_CACHE_DIR = str(blocked)
    video = demo.make_video(SPEC)
    assert video.duration and video.renditions.count() == 1
