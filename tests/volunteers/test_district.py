from datetime import timedelta
from decimal import Decimal

import pytest

from django.core.management import call_command
from django.utils import timezone

from courses.models import Enrolment, TrainingRequirement
from organisations.models import Organisation
from tests.courses.conftest import make_course
from tests.organisations.factories import OrganisationFactory
from volunteers.models import ServiceRecord

from .conftest import TEAM, record, volunteer_in

pytestmark = pytest.mark.django_db
Status = ServiceRecord.Status


def test_district_rollup_sums_verified_hours_and_trained_members_per_team_and_town(
    client, teams, course_index
):
    course = make_course(course_index, slug="hydrants", title="示例灭火器")
    TrainingRequirement.objects.create(
        course=course,
        organisation=teams["district"],
        roles=["volunteer"],
        due_date=timezone.localdate() + timedelta(days=30),
    )
    Enrolment.objects.create(user=teams["vol_a"], course=course, completed_at=timezone.now())
    second_a = OrganisationFactory(name="示例朱家角第二队", kind=TEAM, parent=teams["town_a"])
    extra = volunteer_in(second_a)
    today = timezone.localdate()
    record(teams["vol_a"], teams["a"], date=today, hours=Decimal("2.5"), status=Status.VERIFIED)
    record(teams["vol_a"], teams["a"], date=today, kind="drill", hours=Decimal("9"))
    record(extra, second_a, date=today, hours=Decimal("1"), status=Status.VERIFIED)
    record(teams["vol_b"], teams["b"], date=today, hours=Decimal("4"), status=Status.REJECTED)
    client.force_login(teams["district_lead"])
    response = client.get("/reports/volunteers/")
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["teams"]}
    assert rows["示例朱家角志愿队"].hours == Decimal("2.5")
    assert rows["示例朱家角志愿队"].trained == 1 and rows["示例朱家角志愿队"].members == 1
    assert rows["示例朱家角志愿队"].waiting == 1
    assert rows["示例练塘志愿队"].hours == 0 and rows["示例练塘志愿队"].trained == 0
    towns = {row.name: row for row in response.context["towns"]}
    assert towns["朱家角镇"].hours == Decimal("3.5") and towns["朱家角镇"].teams == 2
    assert towns["朱家角镇"].members == 2 and towns["朱家角镇"].trained == 1
    assert response.context["total"].hours == Decimal("3.5")


def test_town_coordinator_sees_only_the_teams_of_their_town(client, teams):
    from tests.factories import UserFactory
    from tests.organisations.factories import MembershipFactory

    town_lead = UserFactory()
    MembershipFactory(user=town_lead, organisation=teams["town_b"], role="coordinator")
    record(teams["vol_a"], teams["a"], status=Status.VERIFIED)
    client.force_login(town_lead)
    response = client.get("/reports/volunteers/")
    assert [row.name for row in response.context["teams"]] == ["示例练塘志愿队"]
    assert "示例朱家角志愿队" not in response.content.decode()


def test_team_coordinator_rollup_has_only_their_team(client, teams):
    client.force_login(teams["lead_a"])
    response = client.get("/reports/volunteers/")
    assert [row.name for row in response.context["teams"]] == ["示例朱家角志愿队"]


def test_district_rollup_is_for_coordinators_only(client, teams):
    client.force_login(teams["vol_a"])
    assert client.get("/reports/volunteers/").status_code == 403


@pytest.mark.parametrize("year", ["abc", "1900", "3000"])
def test_a_bad_year_falls_back_to_this_year(client, teams, year):
    client.force_login(teams["district_lead"])
    response = client.get("/reports/volunteers/", {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


@pytest.mark.parametrize("size", [1, 12])
def test_district_rollup_runs_a_fixed_number_of_queries(
    client, teams, django_assert_max_num_queries, size
):
    for number in range(size):
        team = OrganisationFactory(name=f"示例队{number}", kind=TEAM, parent=teams["town_b"])
        person = volunteer_in(team)
        record(person, team, status=Status.VERIFIED)
    client.force_login(teams["district_lead"])
    client.get("/reports/volunteers/")
    with django_assert_max_num_queries(16):
        assert client.get("/reports/volunteers/").status_code == 200


def test_demo_has_two_teams_records_in_every_state_and_a_requirement_and_is_idempotent():
    call_command("load_demo")
    counts = (ServiceRecord.objects.count(), TrainingRequirement.objects.count())
    statuses = set(ServiceRecord.objects.values_list("status", flat=True))
    assert statuses == {Status.SUBMITTED, Status.VERIFIED, Status.REJECTED}
    assert set(ServiceRecord.objects.values_list("team__name", flat=True)) == set(
        Organisation.objects.filter(kind=TEAM).values_list("name", flat=True)
    )
    requirement = TrainingRequirement.objects.get(course__slug="extinguisher-and-hydrant")
    assert requirement.roles == ["volunteer"] and requirement.organisation.kind == TEAM
    call_command("load_demo")
    assert (ServiceRecord.objects.count(), TrainingRequirement.objects.count()) == counts


def test_a_volunteer_past_renewal_is_expired_on_the_team_page_and_untrained_in_the_rollup(
    client, teams, course_index
):
    course = make_course(course_index, slug="hydrants", title="示例灭火器")
    TrainingRequirement.objects.create(
        course=course,
        organisation=teams["district"],
        roles=["volunteer"],
        due_date=timezone.localdate() - timedelta(days=400),
        renewal_months=12,
    )
    # Completed 13 months ago; the course itself never expires, the requirement renews yearly.
    Enrolment.objects.create(
        user=teams["vol_a"], course=course, completed_at=timezone.now() - timedelta(days=400)
    )
    renewed = volunteer_in(teams["a"], name="示例已复训队员")
    Enrolment.objects.create(user=renewed, course=course, completed_at=timezone.now())
    client.force_login(teams["district_lead"])
    team_page = client.get(f"/manage/volunteers/{teams['a'].pk}/")
    statuses = {row.person: [s for _r, s in row.training] for row in team_page.context["members"]}
    assert statuses == {teams["vol_a"]: ["expired"], renewed: ["completed"]}
    assert "已过期" in team_page.content.decode()
    rollup = client.get("/reports/volunteers/")
    rows = {row.name: row for row in rollup.context["teams"]}
    assert rows["示例朱家角志愿队"].members == 2
    assert rows["示例朱家角志愿队"].trained == 1
