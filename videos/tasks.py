"""Background work on an uploaded video: read its facts and make its poster frame."""

import logging
import os
import tempfile

from django_tasks import task

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile

from . import probe
from .models import Video, VideoRendition

logger = logging.getLogger(__name__)


@task()
def read_video_facts(video_id):
    """Store duration, size, codec and dimensions from ffprobe, and a poster if there is none."""
    video = Video.objects.filter(pk=video_id).first()
    if video is None or not video.needs_probe:
        return
    name = video.file.name
    with probe.local_path(video.file) as path:
        try:
            facts = probe.probe(path)
        except probe.NotAPlayableVideo:
            # The form checked the upload; a file changed behind its back is left for an editor.
            logger.warning("video %s (%s) could not be read by ffprobe", video.pk, name)
            return
        poster = None if video.thumbnail else probe.poster_frame(path, min(1.0, facts.duration / 2))
        _make_renditions(video, path, facts)
    fields = {
        "duration": facts.duration,
        "width": facts.width,
        "height": facts.height,
        "codec": facts.codec,
        "size_bytes": video.file.storage.size(name),
        "probed_file": name,
    }
    if poster is not None:
        stem = os.path.splitext(os.path.basename(name))[0]
        video.thumbnail.save(f"{stem}-poster.jpg", ContentFile(poster), save=False)
        fields["thumbnail"] = video.thumbnail.name
    # update(), not save(): saving would queue this task again.
    Video.objects.filter(pk=video.pk, file=name).update(**fields)


def _make_renditions(video, path, facts):
    """One smaller mp4 per height of VIDEO_RENDITION_HEIGHTS below the file's own height."""
    stem = os.path.splitext(os.path.basename(video.file.name))[0]
    video.renditions.all().delete()  # their files go with them (signals.py)
    for height in settings.VIDEO_RENDITION_HEIGHTS:
        if height >= facts.height:
            continue  # no bigger copy of a smaller file: the original plays as 清晰
        with tempfile.TemporaryDirectory() as directory:
            target = os.path.join(directory, f"{stem}-{height}p.mp4")
            if not probe.transcode(path, height, target):
                continue
            with open(target, "rb") as handle:
                rendition = VideoRendition(video=video, height=height)
                rendition.file.save(f"{stem}-{height}p.mp4", File(handle), save=False)
                rendition.save()
