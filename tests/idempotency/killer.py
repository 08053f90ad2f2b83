"""A worker that SIGKILLs itself once a submit's transaction has committed, before it answers.

Loaded only by tests/idempotency/killing_settings.py: it proves that a worker dying between the
commit and the response loses nothing and doubles nothing when the browser retries.
"""

import os
import signal

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save


def _die_after_commit(sender, instance, created, update_fields=None, **kwargs):
    # submit_once saves the claim a second time, with the answer, just before the commit.
    if not created and update_fields and "redirect_url" in update_fields:
        transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))


class KillAfterCommit(AppConfig):
    name = "tests.idempotency"
    label = "worker_killer"

    def ready(self):
        from idempotency.models import IdempotencyKey

        post_save.connect(_die_after_commit, sender=IdempotencyKey, dispatch_uid="worker_killer")
