"""Recording attendance carries the form's key: a replay writes no second audit entry."""

import pytest

from organisations.models import AuditEntry
from tests.courses import test_attendance
from tests.idempotency.forms import flashed, form_key

practical = test_attendance.practical
unit_coordinator = test_attendance.unit_coordinator


@pytest.mark.django_db
def test_replaying_recorded_attendance_records_it_once(
    client, practical, district, responsible, unit_coordinator
):
    client.force_login(unit_coordinator)
    url = f"/manage/attendance/{practical.pk}/"
    page = client.get(url, {"organisation": district["unit"].pk}).content.decode()
    data = {
        "organisation": district["unit"].pk,
        "person": [responsible.pk],
        "idempotency_key": form_key(page),
    }
    first = client.post(url, data, follow=True)
    replay = client.post(url, data, follow=True)
    assert first.redirect_chain == replay.redirect_chain
    assert flashed(first) == flashed(replay)
    assert AuditEntry.objects.filter(action="firesafety.attendance.record").count() == 1
