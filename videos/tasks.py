"""Background work on an uploaded video: read its facts and make its poster frame."""

import logging
import os

from django_tasks import task

from django.core.files.base import ContentFile

from . import probe
from .models import Video

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
