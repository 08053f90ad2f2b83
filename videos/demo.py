"""Demo videos from content/videos.yaml, made at load time with ffmpeg's test pattern.

The video files are generated, not kept in git: ffmpeg draws its test source with the title in
Chinese on it (in Noto Sans CJK where the font is installed). Without ffmpeg nothing is made and
the loader says so; lessons that name a missing demo video become reading lessons.
"""

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from wagtail.models import Collection

from . import captions
from .models import Video, VideoRendition
from .tasks import read_video_facts

logger = logging.getLogger(__name__)

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
SPEC_KEYS = {"title", "heading", "subheading", "seconds", "captions"}


class DemoVideoError(ValueError):
    """content/videos.yaml is not what the loader expects."""


def videos_file():
    """The demo videos' specs, checked (title, heading, subheading, seconds)."""
    import yaml

    path = Path(settings.BASE_DIR) / "content" / "videos.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise DemoVideoError(f"{path}: the file must hold a list of videos")
    for index, spec in enumerate(data):
        if not isinstance(spec, dict) or set(spec) - SPEC_KEYS or "title" not in spec:
            raise DemoVideoError(f"{path}: video {index + 1} has the keys {sorted(SPEC_KEYS)}")
        seconds = spec.get("seconds", 20)
        if not isinstance(seconds, int) or not 1 <= seconds <= 120:
            raise DemoVideoError(f"{path}: video {index + 1}: seconds is from 1 to 120")
        for cue in spec.get("captions") or []:
            if not (
                isinstance(cue, list)
                and len(cue) == 3
                and all(isinstance(t, int | float) for t in cue[:2])
                and 0 <= cue[0] < cue[1] <= seconds
                and isinstance(cue[2], str)
            ):
                raise DemoVideoError(
                    f"{path}: video {index + 1}: a caption is [start, end, text] within the video"
                )
    return data


def video_titles():
    return {spec["title"] for spec in videos_file()}


def load():
    """Make each demo video that is missing; returns a note for the operator, or None."""
    specs = [
        spec for spec in videos_file() if not Video.objects.filter(title=spec["title"]).exists()
    ]
    if not specs:
        return None
    if not shutil.which("ffmpeg"):
        return _("ffmpeg is not installed: the demo video lesson is left out.")
    for spec in specs:
        make_video(spec)
    return None


def _font():
    return next((font for font in FONT_CANDIDATES if os.path.exists(font)), None)


def _drawtext(text, font, size, y):
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")
    font_option = f"fontfile='{font}':" if font else ""
    return (
        f"drawtext={font_option}text='{escaped}':fontsize={size}:fontcolor=white:"
        f"box=1:boxcolor=black@0.6:boxborderw=16:x=(w-text_w)/2:y={y}"
    )


def make_video(spec):
    """Store one demo video (spec as in content/videos.yaml), from the cache or drawn afresh."""
    cache = _cache_dir(spec)
    if cache is not None and (cache / "facts.json").exists():
        return _from_cache(spec, cache)
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "demo-video.mp4"
        if not _draw(spec, target):
            return None
        with target.open("rb") as handle:
            video = _new_video(spec)
            video.file = File(handle, name="demo-video.mp4")
            video.save()
    # Read now, whatever the task backend: the demo lesson needs the duration at once.
    read_video_facts.call(video.pk)
    video.refresh_from_db()
    if cache is not None:
        _keep(video, cache)
    return video


def _draw(spec, target):
    """ffmpeg's test pattern with the spec's headings and a seconds counter; True if made."""
    seconds = spec.get("seconds", 20)
    font = _font()
    filters = [_drawtext(spec.get("heading", spec["title"]), font, 44, "h/2-80")]
    if spec.get("subheading"):
        filters.append(_drawtext(spec["subheading"], font, 28, "h/2+10"))
    filters.append(_drawtext("%{eif\\:t\\:d} s", font, 24, "h-60"))
    # H.264 + AAC with the index at the front: what every phone plays and seeks.
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [
            shutil.which("ffmpeg"), "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-vf", ",".join(filters),
            "-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuv420p", "-g", "50",
            "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-shortest",
            str(target),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    if result.returncode != 0:
        logger.warning("demo video not made: %s", result.stderr.decode(errors="replace"))
    return result.returncode == 0


def _new_video(spec):
    video = Video(
        title=spec["title"],
        type="video",
        # Made again if the database was flushed since migrating (transactional tests).
        collection=Collection.get_first_root_node() or Collection.add_root(name="Root"),
    )
    cues = spec.get("captions") or []
    if cues:
        vtt, video.transcript = captions.to_webvtt(_webvtt(cues).encode())
        video.captions.save("demo-video.vtt", ContentFile(vtt.encode()), save=False)
    return video


FACT_FIELDS = ("duration", "width", "height", "codec", "size_bytes")


def _cache_dir(spec):
    """Where this spec's encoded files are kept, or None without a cache.

    The key covers everything the files depend on: the spec, ffmpeg's version, the font and the
    rendition heights; changing any of them draws the video again.
    """
    root = settings.DEMO_VIDEO_CACHE_DIR
    if not root:
        return None
    version = subprocess.run(  # noqa: S603 - fixed argument list
        [shutil.which("ffmpeg"), "-version"], capture_output=True, check=False, timeout=30
    ).stdout.split(b"\n", 1)[0]
    key = json.dumps(
        [spec, version.decode(errors="replace"), _font(), settings.VIDEO_RENDITION_HEIGHTS],
        sort_keys=True,
        ensure_ascii=False,
    )
    return Path(root) / "demo-videos" / hashlib.sha256(key.encode()).hexdigest()[:24]


def _keep(video, cache):
    """Copy the video, its poster and renditions and its facts into the cache."""
    if not video.duration:
        return  # ffprobe did not read it: nothing worth keeping
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=cache.parent))
    except OSError as error:
        logger.warning("demo video not cached in %s: %s", cache, error)
        return
    try:
        files = {"video.mp4": video.file}
        if video.thumbnail:
            files["poster.jpg"] = video.thumbnail
        for rendition in video.renditions.all():
            files[f"{rendition.height}p.mp4"] = rendition.file
        for name, field in files.items():
            with field.open("rb") as source, (staging / name).open("wb") as copy:
                shutil.copyfileobj(source, copy)
        facts = {field: getattr(video, field) for field in FACT_FIELDS}
        (staging / "facts.json").write_text(json.dumps(facts))
        # A rename is atomic: a concurrent load sees the whole entry or none of it.
        staging.rename(cache)
    except OSError as error:
        logger.warning("demo video not cached in %s: %s", cache, error)
        shutil.rmtree(staging, ignore_errors=True)


def _from_cache(spec, cache):
    """The demo video from cached files, with the facts ffprobe read when they were made."""
    video = _new_video(spec)
    for field, value in json.loads((cache / "facts.json").read_text()).items():
        setattr(video, field, value)
    with (cache / "video.mp4").open("rb") as handle:
        video.file.save("demo-video.mp4", File(handle), save=False)
    if (cache / "poster.jpg").exists():
        with (cache / "poster.jpg").open("rb") as handle:
            video.thumbnail.save("demo-video-poster.jpg", File(handle), save=False)
    # The stored name is final now: marking it probed keeps the upload task from encoding again.
    video.probed_file = video.file.name
    video.save()
    for height in settings.VIDEO_RENDITION_HEIGHTS:
        path = cache / f"{height}p.mp4"
        if path.exists():
            with path.open("rb") as handle:
                rendition = VideoRendition(video=video, height=height)
                rendition.file.save(f"demo-video-{height}p.mp4", File(handle), save=False)
                rendition.save()
    return video


def _timestamp(seconds):
    minutes, rest = divmod(float(seconds), 60)
    return f"00:{int(minutes):02d}:{rest:06.3f}"


def _webvtt(cues):
    blocks = [f"{_timestamp(start)} --> {_timestamp(end)}\n{text}" for start, end, text in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
