"""Sending an alert and exporting its acknowledgements are written to the audit log."""

import pytest

from organisations.models import AuditEntry, Membership, Organisation
from tests.organisations.factories import MembershipFactory, OrganisationFactory

from .builders import make_case


@pytest.fixture
def town(db):
    district = OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT)
    town = OrganisationFactory(name="朱家角镇", kind=Organisation.Kind.TOWN, parent=district)
    OrganisationFactory(name="示例单位", parent=town)
    return Organisation.objects.get(pk=town.pk)


@pytest.fixture
def town_coordinator(town):
    return MembershipFactory(
        organisation=town, role=Membership.Role.COORDINATOR, user__name="镇协调员"
    ).user


@pytest.mark.django_db
def test_sending_an_alert_is_audited_in_the_organisation_it_went_to(
    client, alert_index, town, town_coordinator
):
    case = make_case(alert_index)
    client.force_login(town_coordinator)
    response = client.post(
        f"/manage/alerts/{case.pk}/send/",
        {"root": town.pk, "kind": "", "place_type": "", "sector": ""},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert entry.action == "firesafety.alert.dispatch"
    assert (entry.user, entry.organisation) == (town_coordinator, town)
    dispatch_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert entry.object_id == dispatch_id
    assert entry.data["alert"] == case.title and entry.data["recipients"] == 1


@pytest.mark.django_db
def test_a_refused_dispatch_leaves_no_entry(client, alert_index, town, town_coordinator):
    case = make_case(alert_index)
    client.force_login(town_coordinator)
    district = town.get_parent()
    response = client.post(
        f"/manage/alerts/{case.pk}/send/",
        {"root": district.pk, "kind": "", "place_type": "", "sector": ""},
    )
    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_acknowledgement_export_is_audited(
    client, alert_index, town, town_coordinator, file_format
):
    case = make_case(alert_index)
    client.force_login(town_coordinator)
    client.post(
        f"/manage/alerts/{case.pk}/send/",
        {"root": town.pk, "kind": "", "place_type": "", "sector": ""},
    )
    dispatch_entry = AuditEntry.objects.get()
    response = client.get(
        f"/manage/alerts/dispatches/{dispatch_entry.object_id}/export.{file_format}"
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.exclude(pk=dispatch_entry.pk).get()
    assert entry.action == "firesafety.export.download"
    assert (entry.user, entry.organisation) == (town_coordinator, town)
    assert entry.object_id == dispatch_entry.object_id
    assert entry.data["what"] == "alerts.acknowledgements"
    assert entry.data["format"] == file_format
