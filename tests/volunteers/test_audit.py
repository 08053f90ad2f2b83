"""Deciding volunteers' hours and exporting a team are written to the audit log."""

import pytest

from organisations.models import AuditEntry
from volunteers.models import ServiceRecord

from .conftest import record, volunteer_in


def url(team, rest=""):
    return f"/manage/volunteers/{team.pk}/{rest}"


@pytest.mark.django_db
def test_verifying_hours_writes_one_entry_per_record(client, teams):
    second_volunteer = volunteer_in(teams["a"], name="示例丙队员")
    first = record(teams["vol_a"], teams["a"])
    second = record(second_volunteer, teams["a"])
    client.force_login(teams["lead_a"])
    response = client.post(
        url(teams["a"], "decide/"), {"records": [first.pk, second.pk], "action": "verify"}
    )
    assert response.status_code == 302
    entries = AuditEntry.objects.order_by("object_id")
    assert [entry.object_id for entry in entries] == sorted([str(first.pk), str(second.pk)])
    for entry in entries:
        assert entry.action == "firesafety.volunteer.verify"
        assert entry.user == teams["lead_a"]
        assert entry.organisation == teams["a"]
    assert {entry.subject for entry in entries} == {teams["vol_a"], second_volunteer}


@pytest.mark.django_db
def test_rejecting_hours_is_audited_with_the_reason(client, teams):
    waiting = record(teams["vol_a"], teams["a"])
    client.force_login(teams["lead_a"])
    client.post(
        url(teams["a"], "decide/"),
        {"only": waiting.pk, "action": "reject", "reason": "示例：日期不对"},
    )
    entry = AuditEntry.objects.get()
    assert entry.action == "firesafety.volunteer.reject"
    assert (entry.user, entry.organisation, entry.subject) == (
        teams["lead_a"],
        teams["a"],
        teams["vol_a"],
    )
    assert entry.object_id == str(waiting.pk)
    assert entry.data["reason"] == "示例：日期不对"


@pytest.mark.django_db
def test_records_already_decided_or_refused_leave_no_entry(client, teams):
    done = record(teams["vol_a"], teams["a"], status=ServiceRecord.Status.VERIFIED)
    client.force_login(teams["lead_a"])
    client.post(url(teams["a"], "decide/"), {"only": done.pk, "action": "verify"})
    client.post(url(teams["a"], "decide/"), {"only": done.pk, "action": "reject"})  # no reason
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_team_export_is_audited(client, teams):
    client.force_login(teams["lead_a"])
    assert client.get(url(teams["a"], "export.xlsx")).status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "firesafety.export.download"
    assert (entry.user, entry.organisation) == (teams["lead_a"], teams["a"])
    assert entry.object_id == str(teams["a"].pk)
    assert entry.data == {
        "what": "volunteers.team",
        "format": "xlsx",
        "scope": "青浦区 / 朱家角镇 / 示例朱家角志愿队",
    }
