"""Logging and deciding service hours carry the form's key: a replay counts no hour twice."""

import pytest

from organisations.models import AuditEntry
from tests.idempotency.forms import flashed, form_key
from volunteers.models import ServiceRecord

from .conftest import record, volunteer_in
from .test_logging import form_data

pytestmark = pytest.mark.django_db


def test_replaying_a_logged_activity_logs_it_once_and_says_logged_again(client, teams):
    client.force_login(teams["vol_a"])
    data = form_data(teams["a"])
    data["idempotency_key"] = form_key(client.get("/volunteer/log/").content.decode())
    first = client.post("/volunteer/log/", data, follow=True)
    replay = client.post("/volunteer/log/", data, follow=True)
    assert first.redirect_chain == replay.redirect_chain == [("/volunteer/", 302)]
    assert flashed(first) == flashed(replay)
    assert ServiceRecord.objects.count() == 1


def test_replaying_a_group_log_logs_each_member_once(client, teams):
    second = volunteer_in(teams["a"], name="示例丙队员")
    client.force_login(teams["lead_a"])
    url = f"/manage/volunteers/{teams['a'].pk}/log/"
    data = form_data(teams["a"], members=[teams["vol_a"].pk, second.pk])
    del data["team"]
    data["idempotency_key"] = form_key(client.get(url).content.decode())
    first = client.post(url, data, follow=True)
    replay = client.post(url, data, follow=True)
    assert first.redirect_chain == replay.redirect_chain
    assert flashed(first) == flashed(replay)
    assert ServiceRecord.objects.filter(status=ServiceRecord.Status.VERIFIED).count() == 2


def test_replaying_a_verification_writes_one_audit_entry_and_the_same_count(client, teams):
    waiting = record(teams["vol_a"], teams["a"])
    client.force_login(teams["lead_a"])
    team_page = f"/manage/volunteers/{teams['a'].pk}/"
    data = {
        "records": [waiting.pk],
        "action": "verify",
        "idempotency_key": form_key(client.get(team_page).content.decode()),
    }
    first = client.post(team_page + "decide/", data, follow=True)
    replay = client.post(team_page + "decide/", data, follow=True)
    assert flashed(first) == flashed(replay) == ["已核实 1 条记录。"]
    assert AuditEntry.objects.filter(action="firesafety.volunteer.verify").count() == 1
