import uuid
from datetime import timedelta

import pytest

from django.core.management import call_command
from django.utils import timezone

from idempotency.models import IdempotencyKey
from tests.factories import UserFactory


@pytest.mark.django_db
def test_forget_old_idempotency_keys_deletes_keys_older_than_the_setting(settings, capsys):
    settings.IDEMPOTENCY_KEYS_KEPT_DAYS = 7
    user = UserFactory()
    now = timezone.now()
    for age in (0, 6, 8, 30):
        IdempotencyKey.objects.create(
            user=user,
            key=uuid.uuid4(),
            purpose="test",
            fingerprint="0" * 64,
            created_at=now - timedelta(days=age),
        )
    call_command("forget_old_idempotency_keys")
    assert "2 old submit keys deleted." in capsys.readouterr().out
    assert sorted((now - key.created_at).days for key in IdempotencyKey.objects.all()) == [0, 6]
