"""Report exports and reminders are written to the audit log, in the report's organisation."""

import pytest
import time_machine

from organisations.models import AuditEntry
from reports.models import Export
from tests.reports.conftest import NOW


def params_for(district, organisation):
    return {"requirement": district["requirement"].pk, "organisation": organisation.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(("what", "file_format"), [("table", "csv"), ("people", "xlsx")])
def test_a_downloaded_report_export_is_audited_with_what_format_and_scope(
    client, small_district, coordinator_of, what, file_format
):
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            f"/reports/export/{what}.{file_format}",
            params_for(small_district, small_district["town_a"]),
        )
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "firesafety.export.download"
    assert entry.user == town
    assert entry.organisation == small_district["town_a"]
    assert entry.object_id == str(small_district["town_a"].pk)
    assert entry.data["what"] == f"report.{what}"
    assert entry.data["format"] == file_format
    assert entry.data["scope"] == "青浦区 / A镇"


@pytest.mark.django_db
def test_a_report_export_refused_for_scope_is_not_audited(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    response = client.get(
        "/reports/export/table.csv", params_for(small_district, small_district["town_b"])
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_background_export_is_audited_when_downloaded(
    client, small_district, coordinator_of, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_BACKGROUND_EXPORT_ROWS = 2
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    params = params_for(small_district, small_district["town_a"])
    with (
        time_machine.travel(NOW, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        status_url = client.get("/reports/export/people.xlsx", params)["Location"]
    assert not AuditEntry.objects.exists()  # asked for, not yet downloaded
    with time_machine.travel(NOW, tick=False):
        assert client.get(f"{status_url}download").status_code == 200
    entry = AuditEntry.objects.get()
    export = Export.objects.get()
    assert (entry.action, entry.user, entry.organisation) == (
        "firesafety.export.download",
        town,
        small_district["town_a"],
    )
    assert entry.object_id == str(export.pk)
    assert entry.data["what"] == "report.people"


@pytest.mark.django_db
def test_sending_reminders_is_audited_with_the_counts(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    query = "?" + "&".join(
        f"{key}={value}"
        for key, value in params_for(small_district, small_district["town_a"]).items()
    )
    with time_machine.travel(NOW, tick=False):
        response = client.post("/reports/reminders/" + query, {"everyone": "1", "confirmed": "1"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert entry.action == "firesafety.reminder.send"
    assert entry.user == town
    assert entry.organisation == small_district["town_a"]
    assert entry.object_id == str(small_district["requirement"].pk)
    assert entry.data["reminded"] == 2 and entry.data["skipped"] == 0
