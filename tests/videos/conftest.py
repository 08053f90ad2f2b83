import shutil
import subprocess

import pytest

# The courses' fixtures: a course open to a responsible person of a unit.
from tests.courses.conftest import course, course_index, district, responsible  # noqa: F401

needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="needs ffmpeg and ffprobe"
)


def _make(path, seconds, codec_args, size="160x120"):
    subprocess.run(
        [
            shutil.which("ffmpeg"),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate=10:duration={seconds}",
            *codec_args,
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path.read_bytes()


@pytest.fixture(scope="session")
def mp4_bytes(tmp_path_factory):
    """A real 3-second H.264 mp4 (index at the front, as phones want it)."""
    path = tmp_path_factory.mktemp("videos") / "sample.mp4"
    args = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]
    return _make(path, 3, args)


@pytest.fixture(scope="session")
def webm_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("videos") / "sample.webm"
    return _make(path, 2, ["-c:v", "libvpx-vp9", "-b:v", "100k"])


@pytest.fixture(scope="session")
def mp4_480_bytes(tmp_path_factory):
    """A 2-second 640x480 H.264 mp4 with sound: big enough for a smaller copy."""
    path = tmp_path_factory.mktemp("videos") / "sample-480.mp4"
    args = ["-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p"]
    return _make(path, 2, args, size="640x480")
