from django.db import transaction
from django.db.models.signals import post_save


def _probe_new_file(sender, instance, **kwargs):
    from .tasks import read_video_facts

    if instance.needs_probe:
        transaction.on_commit(lambda: read_video_facts.enqueue(instance.pk))


def connect():
    from .models import Video

    post_save.connect(_probe_new_file, sender=Video, dispatch_uid="videos-probe-new-file")
