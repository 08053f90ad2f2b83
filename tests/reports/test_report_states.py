"""What a coordinator sees first: the requirement, the rates, the chart and the reminders tab."""

from datetime import date

import pytest
import time_machine

from accounts.models import Notice
from courses.models import TrainingRequirement
from tests.courses.conftest import make_course
from tests.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.reports.conftest import NOW, Role, at, completed, member


def get(client, user, url="/reports/", **params):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


@pytest.mark.django_db
def test_an_organisation_with_nobody_to_train_shows_a_dash_not_zero(
    client, small_district, coordinator_of
):
    OrganisationFactory(name="U4空单位", kind="unit", parent=small_district["town_a"])
    town = coordinator_of(small_district["town_a"])
    page = get(client, town, requirement=small_district["requirement"].pk).content.decode()
    row = page[page.index("U4空单位") :]
    row = row[: row.index("</tr>")]
    assert "无应训人员" in row
    assert "0%" not in row
    assert "rate-bar" not in row


@pytest.mark.django_db
def test_rate_and_overdue_come_first_in_the_table(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    page = get(client, town, requirement=small_district["requirement"].pk).content.decode()
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert head.index("完成率") < head.index("应训") < head.index("已完成")
    assert head.index("已逾期") < head.index("应训")


@pytest.mark.django_db
def test_a_chart_with_fewer_than_three_weeks_shows_the_number(
    client, small_district, coordinator_of
):
    town = coordinator_of(small_district["town_a"])  # p2 and p1 completed in two weeks
    page = get(client, town, requirement=small_district["requirement"].pk).content.decode()
    assert "data-chart-number" in page
    assert "chart__line" not in page
    district = coordinator_of(small_district["district"])  # and p4: three weeks
    page = get(client, district, requirement=small_district["requirement"].pk).content.decode()
    assert "chart__line" in page
    assert "data-chart-number" not in page


@pytest.mark.django_db
def test_reports_open_on_the_current_requirement_with_people_to_finish(
    client, small_district, coordinator_of
):
    done_course = make_course(
        small_district["course"].get_parent(), slug="done", lessons=1, validity_months=0
    )
    # Due sooner than the district's and finished by both its people (p4, p8): nothing to do there.
    finished = TrainingRequirement.objects.create(
        course=done_course,
        organisation=small_district["u3"],
        roles=["responsible"],
        due_date=date(2026, 1, 31),
    )
    completed(small_district["people"]["p4"], done_course, at(2026, 1, 5))
    completed(small_district["people"]["p8"], done_course, at(2026, 1, 6))
    coordinator = coordinator_of(small_district["district"])
    response = get(client, coordinator)
    assert finished in response.context["selection"].requirements
    assert response.context["selection"].requirement == small_district["requirement"]


@pytest.mark.django_db
def test_reports_open_on_a_finished_requirement_only_when_all_are(client, home_page):
    from tests.courses.factories import CourseIndexPageFactory

    course = make_course(CourseIndexPageFactory(parent=home_page), slug="c", lessons=1)
    unit = OrganisationFactory(name="单位", kind="unit")
    requirement = TrainingRequirement.objects.create(
        course=course, organisation=unit, roles=["responsible"], due_date=date(2026, 12, 31)
    )
    person = UserFactory()
    member(person, unit, Role.RESPONSIBLE)
    completed(person, course, at(2026, 11, 1))
    coordinator = UserFactory()
    member(coordinator, unit, Role.COORDINATOR)
    response = get(client, coordinator)
    assert response.context["selection"].requirement == requirement


@pytest.mark.django_db
def test_the_people_list_of_a_unit_has_a_remind_button(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    requirement = small_district["requirement"].pk
    page = get(client, town, requirement=requirement, organisation=small_district["u1"].pk)
    assert page.templates[0].name == "reports/people.html"
    html = page.content.decode()
    assert "data-remind-link" in html
    assert f"/reports/reminders/?requirement={requirement}&amp;organisation=" in html


@pytest.mark.django_db
def test_reminders_open_on_expiring_when_nobody_is_overdue(client, small_district, coordinator_of):
    # In U1 p8 is the only overdue person; once p8 finishes, only p2 (expiring) is left.
    completed(small_district["people"]["p8"], small_district["course"], at(2026, 11, 1))
    town = coordinator_of(small_district["town_a"])
    params = {
        "requirement": small_district["requirement"].pk,
        "organisation": small_district["u1"].pk,
    }
    response = get(client, town, "/reports/reminders/", **params)
    assert response.context["selection"].filters.status == "expiring"
    assert [row["name"] for row in response.context["page_obj"]] == ["p2"]
    chosen = get(client, town, "/reports/reminders/", status="overdue", **params)
    assert chosen.context["selection"].filters.status == "overdue"  # a chosen tab stays


@pytest.mark.django_db
def test_reminders_open_on_overdue_when_someone_is(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    params = {
        "requirement": small_district["requirement"].pk,
        "organisation": small_district["u1"].pk,
    }
    response = get(client, town, "/reports/reminders/", **params)
    assert response.context["selection"].filters.status == "overdue"


@pytest.mark.django_db
def test_remind_all_asks_to_confirm_with_the_count_first(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    url = (
        f"/reports/reminders/?requirement={small_district['requirement'].pk}"
        f"&organisation={small_district['town_a'].pk}"
    )
    with time_machine.travel(NOW, tick=False):
        asked = client.post(url, {"everyone": "1"})
        assert asked.status_code == 200
        html = asked.content.decode()
        assert "提醒全部 2 人？" in html
        assert 'name="confirmed" value="1"' in html
        assert not Notice.objects.exists()
        sent = client.post(url, {"everyone": "1", "confirmed": "1"})
    assert sent.status_code == 302
    assert set(Notice.objects.values_list("user__name", flat=True)) == {"p3", "p8"}


@pytest.mark.django_db
def test_the_member_list_of_a_unit_links_to_its_reminders(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    u1 = small_district["u1"]
    members = get(client, town, f"/manage/organisations/{u1.pk}/members/").content.decode()
    assert f'href="/reports/reminders/?organisation={u1.pk}" data-remind-link' in members
    response = get(client, town, "/reports/reminders/", organisation=u1.pk)
    assert response.status_code == 200
    assert response.context["selection"].requirement == small_district["requirement"]
    assert [row["name"] for row in response.context["page_obj"]] == ["p8"]
