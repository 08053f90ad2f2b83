"""/manage/audit/: each coordinator reads the audit log of their scope, and nobody edits it."""

import datetime
import io

import pytest
import time_machine
from openpyxl import load_workbook

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from wagtail.log_actions import log
from wagtail.log_actions import registry as log_action_registry

from organisations import audit
from organisations.models import AuditEntry, Membership
from tests.factories import UserFactory

from .conftest import member

URL = "/manage/audit/"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def entry_in(organisation, actor, person, action="firesafety.member.reset_password", **fields):
    """An entry as the coordinator area writes it: the person acted on, in their organisation."""
    return audit.record(actor, action, instance=person, organisation=organisation, **fields)


@pytest.fixture
def logged(world):
    """One entry in each corner of the world, all by the district coordinator."""
    orgs, people, memberships = world["orgs"], world["people"], world["memberships"]
    actor = people["district"]
    return {
        "unit": entry_in(orgs["unit"], actor, memberships["unit_staff"].user),
        "class": entry_in(orgs["class"], actor, memberships["class_student"].user),
        "town": entry_in(orgs["town"], people["town"], memberships["school_teacher"].user),
        "other_unit": entry_in(orgs["other_unit"], actor, memberships["other_unit_staff"].user),
        "elsewhere": entry_in(orgs["elsewhere_unit"], actor, memberships["elsewhere_staff"].user),
        "nowhere": audit.record(actor, "firesafety.export.download", instance=None),
    }


def shown(response):
    return {row["object"] for row in response.context["rows"]}


def ids(response):
    return [entry.pk for entry in response.context["page_obj"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("town", {"unit", "class", "town"}),
        ("manager", {"unit"}),
        ("teacher", {"class"}),
        ("district", {"unit", "class", "town", "other_unit", "nowhere"}),
    ],
)
def test_a_coordinator_reads_the_entries_of_their_scope_only(
    client, world, logged, viewer, expected
):
    client.force_login(world["people"][viewer])
    response = client.get(URL)
    assert response.status_code == 200
    assert set(ids(response)) == {logged[name].pk for name in expected}


@pytest.mark.django_db
def test_superusers_read_everything(client, world, logged):
    client.force_login(UserFactory(is_superuser=True))
    assert set(ids(client.get(URL))) == {entry.pk for entry in logged.values()}


@pytest.mark.django_db
def test_people_who_coordinate_nothing_are_refused(client, world, logged):
    client.force_login(world["memberships"]["unit_staff"].user)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/").status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the sign-in page


@pytest.mark.django_db
def test_entries_come_newest_first_with_actor_action_object_and_masked_phones(
    client, world, logged
):
    client.force_login(world["people"]["town"])
    response = client.get(URL)
    assert ids(response) == [logged["town"].pk, logged["class"].pk, logged["unit"].pk]
    page = response.content.decode()
    assert "重置密码" in page  # the action's Chinese label
    assert "王员工" in page and "138****0001" in page
    assert "13800000001" not in page
    assert "示例商业广场" in page
    assert world["people"]["district"].name in page


@pytest.mark.django_db
def test_filter_by_action(client, world, logged):
    audit.record(
        world["people"]["town"],
        "firesafety.member.deactivate",
        instance=world["memberships"]["unit_staff"].user,
        organisation=world["orgs"]["unit"],
    )
    client.force_login(world["people"]["town"])
    response = client.get(URL, {"action": "firesafety.member.deactivate"})
    assert [entry.action for entry in response.context["page_obj"]] == [
        "firesafety.member.deactivate"
    ]
    # An action that is not in the list is a form error, and the filter is left out.
    response = client.get(URL, {"action": "wagtail.delete"})
    assert response.status_code == 200
    assert response.context["form"].errors["action"]
    assert len(ids(response)) == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("王员工", {"unit"}),  # the person acted on, by name
        ("13800000001", {"unit"}),  # by full phone
        ("0003", {"town"}),  # by the last four digits
        ("协调员town", {"town"}),  # the actor, by name
        ("协调员district", {"unit", "class"}),
        ("nobody", set()),
    ],
)
def test_filter_by_person_on_either_side(client, world, logged, person, expected):
    client.force_login(world["people"]["town"])
    response = client.get(URL, {"person": person})
    assert set(ids(response)) == {logged[name].pk for name in expected}


@pytest.mark.django_db
def test_filter_by_date_range_in_local_days(client, world):
    unit = world["orgs"]["unit"]
    person = world["memberships"]["unit_staff"].user
    for day in (1, 2, 3):
        with time_machine.travel(datetime.datetime(2026, 11, day, 0, 30, tzinfo=SHANGHAI)):
            entry_in(unit, world["people"]["town"], person, data={"day": day})
    client.force_login(world["people"]["town"])
    response = client.get(URL, {"date_from": "2026-11-02", "date_to": "2026-11-02"})
    assert [entry.data["day"] for entry in response.context["page_obj"]] == [2]
    response = client.get(URL, {"date_from": "2026-11-02"})
    assert [entry.data["day"] for entry in response.context["page_obj"]] == [3, 2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "not a date"},
        {"date_from": "2026-11-05", "date_to": "2026-11-01"},
        {"person": "x" * 500},
        {"page": "-1"},
        {"page": "abc"},
    ],
)
def test_bad_filters_are_form_errors_never_a_500(client, world, logged, query):
    client.force_login(world["people"]["town"])
    response = client.get(URL, query)
    assert response.status_code == 200
    if "page" not in query:
        assert response.context["form"].errors
    assert client.get(URL + "export/", query).status_code == 200


@pytest.mark.django_db
def test_entries_are_paged_in_sql(client, world):
    person = world["memberships"]["unit_staff"].user
    for _index in range(55):
        entry_in(world["orgs"]["unit"], world["people"]["town"], person)
    client.force_login(world["people"]["town"])
    first = client.get(URL)
    assert len(first.context["rows"]) == 50
    assert first.context["page_obj"].paginator.count == 55
    assert len(client.get(URL, {"page": 2}).context["rows"]) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 60])
def test_query_count_does_not_grow_with_entries(
    client, world, count, django_assert_max_num_queries
):
    people = [member(world["orgs"]["unit"], phone=f"1390000{index:04d}") for index in range(5)]
    actors = [world["people"]["town"], world["people"]["manager"]]
    for index in range(count):
        entry_in(
            world["orgs"]["unit"],
            actors[index % 2],
            people[index % 5].user,
            data={"what": "report.people", "format": "xlsx"},
        )
    client.force_login(world["people"]["town"])
    client.get(URL)  # the site's settings are created on the first page shown
    with django_assert_max_num_queries(11):
        response = client.get(URL, {"person": "0001"})
    assert response.context["page_obj"].paginator.count == len(range(1, count, 5))
    with django_assert_max_num_queries(11):
        response = client.get(URL)
    assert len(response.context["rows"]) == min(count, 50)
    with django_assert_max_num_queries(9):
        assert client.get(URL + "export/").status_code == 200


def export_rows(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_the_export_has_the_rows_of_the_screen_and_is_audited_itself(client, world, logged):
    client.force_login(world["people"]["town"])
    screen = client.get(URL, {"person": "王员工"})
    response = client.get(URL + "export/", {"person": "王员工"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = export_rows(response)
    assert rows[0][:4] == ["时间", "组织", "操作人", "操作"]
    assert [row[4] for row in rows[1:]] == [row["object"] for row in screen.context["rows"]]
    assert rows[1][5] == "王员工 138****0001"
    assert "13800000001" not in str(rows)
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.action == "firesafety.export.download"
    assert (entry.user, entry.organisation) == (world["people"]["town"], world["orgs"]["town"])
    assert entry.data["what"] == "audit"


@pytest.mark.django_db
def test_the_export_keeps_to_the_scope(client, world, logged):
    client.force_login(world["people"]["manager"])
    rows = export_rows(client.get(URL + "export/"))
    assert len(rows) == 2  # the heading and the unit's one entry


@pytest.mark.django_db
def test_nothing_on_the_site_changes_or_deletes_an_entry(client, world, logged):
    client.force_login(world["people"]["district"])
    before = list(AuditEntry.objects.values_list("pk", "action", "label").order_by("pk"))
    assert client.post(URL, {"action": "x"}).status_code == 405
    assert client.post(URL + "export/").status_code == 405
    for name in ("manage_audit_edit", "manage_audit_delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"organisations:{name}", args=[logged["unit"].pk])
    # The model refuses too, whoever calls it.
    entry = AuditEntry.objects.get(pk=logged["unit"].pk)
    entry.label = "changed"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    # Deleting the person or the organisation leaves the entry as written.
    world["memberships"]["unit_staff"].user.delete()
    assert list(AuditEntry.objects.values_list("pk", "action", "label").order_by("pk")) == before


@pytest.mark.django_db
def test_the_admin_site_history_lists_entries_and_offers_no_delete(client, world, logged):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get("/admin/reports/site-history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "重置密码" in page and "王员工" in page
    results = client.get("/admin/reports/site-history/results/").content.decode()
    assert "重置了密码" in results  # the action's message
    assert "/delete/" not in results
    # No snippet or model viewset edits them.
    assert client.get("/admin/snippets/organisations/auditentry/").status_code == 404
    assert client.get(f"/admin/auditentry/edit/{logged['unit'].pk}/").status_code == 404
    assert client.get(f"/admin/auditentry/delete/{logged['unit'].pk}/").status_code == 404


@pytest.mark.django_db
def test_wagtails_log_files_people_and_memberships_in_the_audit_log(world):
    membership = world["memberships"]["unit_staff"]
    entry = log(instance=membership, action="firesafety.member.end", user=world["people"]["town"])
    assert isinstance(entry, AuditEntry)
    assert entry.object_id == str(membership.pk)
    assert isinstance(log(instance=membership.user, action="wagtail.edit"), AuditEntry)


@pytest.mark.django_db
def test_every_action_is_registered_with_a_chinese_label(world):
    expected = {
        "firesafety.member.add",
        "firesafety.member.role_change",
        "firesafety.member.move",
        "firesafety.member.end",
        "firesafety.member.leave",
        "firesafety.member.deactivate",
        "firesafety.member.reactivate",
        "firesafety.member.reset_password",
        "firesafety.member.refused",
        "firesafety.import.confirm",
        "firesafety.export.download",
        "firesafety.reminder.send",
        "firesafety.alert.dispatch",
        "firesafety.volunteer.verify",
        "firesafety.volunteer.reject",
        "firesafety.attendance.record",
        "firesafety.certificate.revoke",
        "firesafety.two_factor.reset",
        "firesafety.phone.transfer",
    }
    assert {action for action, _label, _message in audit.ACTIONS} >= expected
    with translation.override("zh-hans"):
        for action in expected:
            label = str(log_action_registry.get_action_label(action))
            assert any("\u4e00" <= char <= "\u9fff" for char in label), action


@pytest.mark.django_db
def test_an_unregistered_action_is_refused(world):
    with pytest.raises(Exception, match="not registered"):
        audit.record(world["people"]["town"], "firesafety.made_up", instance=world["orgs"]["town"])
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_record_keeps_its_signature_and_stores_the_organisation(world):
    town = world["orgs"]["town"]
    entry = audit.record(
        world["people"]["town"],
        "firesafety.member.add",
        instance=world["memberships"]["unit_staff"],
        organisation=town,
        data={"role": "staff"},
    )
    entry.refresh_from_db()
    assert entry.organisation == town
    assert entry.subject == world["memberships"]["unit_staff"].user
    assert entry.data == {"role": "staff"}
    assert entry.timestamp <= timezone.now()


@pytest.mark.django_db
def test_details_read_as_words_not_internal_keys(client, world):
    person = world["memberships"]["unit_staff"].user
    unit = world["orgs"]["unit"]
    actor = world["people"]["manager"]
    audit.record(
        actor,
        "firesafety.member.refused",
        instance=person,
        organisation=unit,
        data={"attempted": "firesafety.member.reset_password", "reason": "示例原因"},
    )
    audit.record(
        actor,
        "firesafety.member.add",
        instance=person,
        organisation=unit,
        data={"membership_id": 12345, "role": "staff", "existing_account": True},
    )
    audit.record(
        actor,
        "firesafety.member.move",
        instance=person,
        organisation=unit,
        data={
            "membership_id": 2,
            "previous_membership_id": 1,
            "from_organisation_id": unit.pk,
            "to_organisation_id": world["orgs"]["school"].pk,
            "role": "staff",
        },
    )
    client.force_login(world["people"]["town"])
    details = [row["details"] for row in client.get(URL).context["rows"]]
    with translation.override("zh-hans"):
        staff = str(Membership.Role.STAFF.label)
    assert details == [
        f"原组织: 示例商业广场; 新组织: 示例朱家角小学; 角色: {staff}",
        f"角色: {staff}; 已有账号: 是",
        "尝试的操作: 重置密码; 原因: 示例原因",
    ]
