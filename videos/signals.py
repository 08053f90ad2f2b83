from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _probe_new_file(sender, instance, **kwargs):
    from .tasks import read_video_facts

    if instance.needs_probe:
        transaction.on_commit(lambda: read_video_facts.enqueue(instance.pk))


def _delete_captions(sender, instance, **kwargs):
    # wagtailmedia deletes the video file and thumbnail; the captions are ours to remove.
    if instance.captions:
        transaction.on_commit(lambda: instance.captions.delete(save=False))


def _delete_rendition_file(sender, instance, **kwargs):
    if instance.file:
        transaction.on_commit(lambda: instance.file.delete(save=False))


def connect():
    from .models import Video, VideoRendition

    post_save.connect(_probe_new_file, sender=Video, dispatch_uid="videos-probe-new-file")
    post_delete.connect(_delete_captions, sender=Video, dispatch_uid="videos-delete-captions")
    post_delete.connect(
        _delete_rendition_file, sender=VideoRendition, dispatch_uid="videos-delete-rendition"
    )
