"""What ffprobe says about a video file, and a poster frame from ffmpeg.

Only files a phone's browser can play are accepted: an mp4 or webm container whose first video
stream is one of PLAYABLE_CODECS and whose first frame decodes. ffprobe alone accepts a
truncated mp4 if its header survived, so a frame is decoded too.
"""

import contextlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

logger = logging.getLogger(__name__)

PLAYABLE_CODECS = {"h264", "vp8", "vp9", "av1"}
PROBE_TIMEOUT_SECONDS = 60


class NotAPlayableVideo(Exception):
    """The file is not a video a browser can play (or cannot be read at all)."""


@dataclass(frozen=True)
class VideoFacts:
    duration: float
    width: int
    height: int
    codec: str


def tools_present():
    return bool(shutil.which("ffprobe") and shutil.which("ffmpeg"))


def _run(args, timeout=PROBE_TIMEOUT_SECONDS):
    try:
        return subprocess.run(  # noqa: S603 - fixed argument list
            args, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NotAPlayableVideo(str(error)) from error


def probe(path):
    """The facts of the video at `path`; NotAPlayableVideo if a browser could not play it."""
    result = _run(
        [
            "ffprobe", "-v", "error", "-print_format", "json",
            "-show_format", "-show_streams", "-select_streams", "v:0", os.fspath(path),
        ]
    )  # fmt: skip
    if result.returncode != 0:
        raise NotAPlayableVideo(result.stderr.decode(errors="replace")[:500])
    try:
        data = json.loads(result.stdout)
        stream = data["streams"][0]
        duration = float(stream.get("duration") or data["format"]["duration"])
        facts = VideoFacts(
            duration=duration,
            width=int(stream["width"]),
            height=int(stream["height"]),
            codec=stream["codec_name"],
        )
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise NotAPlayableVideo(f"no video stream: {error}") from error
    if facts.codec not in PLAYABLE_CODECS or facts.duration <= 0:
        raise NotAPlayableVideo(f"codec {facts.codec}, duration {facts.duration}")
    decoded = _run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-xerror",
            "-i",
            os.fspath(path),
            "-frames:v",
            "1",
            "-f",
            "null",
            "-",
        ]
    )
    if decoded.returncode != 0:
        raise NotAPlayableVideo(decoded.stderr.decode(errors="replace")[:500])
    return facts


def poster_frame(path, at_seconds):
    """A JPEG of the frame at `at_seconds`, or None if ffmpeg could not make one."""
    with tempfile.TemporaryDirectory() as directory:
        target = os.path.join(directory, "poster.jpg")
        result = _run(
            [
                "ffmpeg", "-v", "error", "-ss", f"{at_seconds:.2f}", "-i", os.fspath(path),
                "-frames:v", "1", "-vf", "scale='min(1280,iw)':-2", "-q:v", "4", target,
            ]
        )  # fmt: skip
        if result.returncode != 0 or not os.path.exists(target):
            logger.warning("no poster frame: %s", result.stderr.decode(errors="replace")[:500])
            return None
        with open(target, "rb") as handle:
            return handle.read()


@contextlib.contextmanager
def local_path(field_file):
    """A path on this machine to the stored file: its own if the storage has one, else a copy.

    ffprobe needs a path; object storage has none, so the file is copied to a temporary file.
    """
    storage = field_file.storage
    try:
        path = storage.path(field_file.name)
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    suffix = os.path.splitext(field_file.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with storage.open(field_file.name, "rb") as source:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield copy.name


@contextlib.contextmanager
def uploaded_path(uploaded):
    """A path to an uploaded file: Django's temporary file when it has one, else a copy."""
    if hasattr(uploaded, "temporary_file_path"):
        yield uploaded.temporary_file_path()
        return
    suffix = os.path.splitext(uploaded.name or "")[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        uploaded.seek(0)
        for chunk in uploaded.chunks():
            copy.write(chunk)
        copy.flush()
        uploaded.seek(0)
        yield copy.name


def transcode(path, height, target):
    """An H.264/AAC mp4 of the video at `height` lines, index first (+faststart); True if made."""
    result = _run(
        [
            "ffmpeg", "-v", "error", "-y", "-i", os.fspath(path),
            "-map", "0:v:0", "-map", "0:a:0?", "-vf", f"scale=-2:{height}",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "24", "-profile:v", "main",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart",
            os.fspath(target),
        ],
        timeout=None,
    )  # fmt: skip
    if result.returncode != 0:
        logger.warning("no %sp rendition: %s", height, result.stderr.decode(errors="replace")[:500])
    return result.returncode == 0
