"""The coordinators' overview (issue 15 §3): scope, flags over time, counts, the most failed
check points, the weekly chart, the Excel export and a fixed number of queries."""

import io
import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest
from openpyxl import load_workbook

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections.models import Hazard
from organisations.models import AuditEntry, Membership, Organisation
from tests.organisations.factories import OrganisationFactory

from .conftest import image_upload, member
from .helpers import answer, failed_round, sign, start

pytestmark = pytest.mark.django_db

Role = Membership.Role
OVERVIEW = reverse("inspections:overview")
EXPORT = reverse("inspections:overview_export")
MONDAY = datetime(2027, 3, 1, 10, 0)  # a Monday, after the memberships began


def at(time_machine, moment):
    time_machine.move_to(timezone.make_aware(moment), tick=False)


def walk(client, place, kind="patrol", unit=None, fail=(), responsible=None):
    """A signed round of `unit` (default: the place's), failing the points numbered in `fail`."""
    round_ = start(client, place, kind=kind, unit=unit)
    for number, point in enumerate(round_.points.all()):
        answer(client, point, "fail" if number in fail else "pass")
    response = sign(client, round_, responsible=responsible or place.staff)
    assert response.status_code == 302, response.content.decode()[:2000]
    return round_


def fail_other_unit(client, place):
    """A signed inspection of the other town's unit with its first point failed."""
    return walk(
        client,
        place,
        unit=place.other_unit,
        kind="inspection",
        fail=(0,),
        responsible=place.other_manager,
    )


def row_of(response, organisation):
    return next(row for row in response.context["rows"] if row.organisation == organisation)


@pytest.fixture
def district_lead(place):
    return member(place.district, Role.COORDINATOR, name="示例区协调员")


# Who sees what -----------------------------------------------------------------------------------


def test_a_town_coordinator_sees_its_own_units_only(place, as_user):
    walk(
        as_user(place.other_manager),
        place,
        unit=place.other_unit,
        kind="inspection",
        responsible=place.other_manager,
    )
    response = as_user(place.town_lead).get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["shown"].organisation == place.town
    assert [row.organisation for row in response.context["rows"]] == [place.unit]
    page = response.content.decode()
    assert "示例商业广场" in page and "示例练塘工厂" not in page
    assert response.context["total"].units == 1


def test_a_district_coordinator_sees_each_town_and_drills_down(place, as_user, district_lead):
    client = as_user(district_lead)
    response = client.get(OVERVIEW)
    assert [row.organisation for row in response.context["rows"]] == [place.town, place.other_town]
    assert response.context["total"].units == 2
    town = client.get(OVERVIEW, {"organisation": place.town.pk})
    assert [row.organisation for row in town.context["rows"]] == [place.unit]
    assert [o.name for o in town.context["ancestors"]] == ["青浦区", "朱家角镇"]
    # A unit as the organisation shown is its drill-down page.
    unit = client.get(OVERVIEW, {"organisation": place.unit.pk})
    assert unit.status_code == 302
    assert unit["Location"] == reverse("inspections:overview_unit", args=[place.unit.pk])


def test_a_units_own_coordinator_sees_that_unit_only(place, as_user):
    client = as_user(member(place.unit, Role.COORDINATOR, name="示例单位协调员"))
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:overview_unit", args=[place.unit.pk])
    assert client.get(response["Location"]).status_code == 200
    other = reverse("inspections:overview_unit", args=[place.other_unit.pk])
    assert client.get(other).status_code == 404
    assert client.get(OVERVIEW, {"organisation": place.town.pk}).status_code == 404


def test_an_industry_department_sees_the_units_of_its_sector(place, as_user):
    department = OrganisationFactory(
        name="区教育局",
        kind=Organisation.Kind.DEPARTMENT,
        sector="education",
        parent=place.district,
    )
    school = OrganisationFactory(
        name="示例中学", kind=Organisation.Kind.SCHOOL, sector="education", parent=place.other_town
    )
    client = as_user(member(department, Role.COORDINATOR, name="示例教育局协调员"))
    # The department itself is in its scope but has no units: only the school has a row.
    rows = client.get(OVERVIEW).context["rows"]
    assert [row.organisation for row in rows] == [school]
    assert rows[0].is_unit and rows[0].units == 1
    OrganisationFactory(
        name="示例小学", kind=Organisation.Kind.SCHOOL, sector="education", parent=place.town
    )
    rows = client.get(OVERVIEW).context["rows"]
    assert sorted(row.organisation.name for row in rows) == ["示例中学", "示例小学"]
    assert all(row.units == 1 for row in rows)
    unit_page = reverse("inspections:overview_unit", args=[place.unit.pk])
    assert client.get(unit_page).status_code == 404


@pytest.mark.parametrize("who", ["manager", "responsible", "staff"])
def test_a_unit_leader_or_member_is_refused_the_overview(place, as_user, who):
    client = as_user(getattr(place, who))
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(EXPORT).status_code == 403
    unit_page = reverse("inspections:overview_unit", args=[place.unit.pk])
    assert client.get(unit_page).status_code == 403


def test_the_overview_asks_to_sign_in(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_unit_or_town_outside_the_scope_is_not_found(place, as_user):
    client = as_user(place.town_lead)
    other_unit = reverse("inspections:overview_unit", args=[place.other_unit.pk])
    assert client.get(other_unit).status_code == 404
    assert client.get(OVERVIEW, {"organisation": place.other_town.pk}).status_code == 404
    assert client.get(EXPORT, {"organisation": place.other_town.pk}).status_code == 404
    # The town itself is no unit: it has no drill-down page of rounds.
    town_as_unit = reverse("inspections:overview_unit", args=[place.town.pk])
    assert client.get(town_as_unit).status_code == 404


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "9" * 30, "1e3", " ", "0"])
def test_a_malformed_organisation_is_not_found(place, as_user, value):
    response = as_user(place.town_lead).get(OVERVIEW, {"organisation": value})
    assert response.status_code in (200, 404)
    if value.strip():
        assert response.status_code == 404


def test_links_lead_to_the_overview_from_inspections_and_manage(place, as_user):
    town = as_user(place.town_lead)
    assert OVERVIEW in town.get(reverse("inspections:home")).content.decode()
    assert OVERVIEW in town.get(reverse("organisations:manage")).content.decode()
    assert OVERVIEW not in as_user(place.manager).get(reverse("inspections:home")).content.decode()


# Flags over time ---------------------------------------------------------------------------------


def test_a_unit_is_flagged_after_7_days_without_patrol_and_a_month_without_inspection(
    place, as_user, time_machine
):
    at(time_machine, MONDAY)
    walk(as_user(place.manager), place, kind="patrol")
    walk(as_user(place.manager), place, kind="inspection")
    seen = {}
    for day in (date(2027, 3, 1), date(2027, 3, 7), date(2027, 3, 8), date(2027, 4, 1)):
        at(time_machine, datetime.combine(day, datetime.min.time()).replace(hour=12))
        response = as_user(place.town_lead).get(OVERVIEW)
        row = row_of(response, place.unit)
        assert row.last_patrol_date == row.last_inspection_date == date(2027, 3, 1)
        seen[day] = (row.without_patrol, row.without_inspection)
        total = response.context["total"]
        assert (total.without_patrol, total.without_inspection) == seen[day]
    # The 1st to the 7th are the 7 days of a patrol on the 1st; on the 8th it is too old.
    assert seen == {
        date(2027, 3, 1): (0, 0),
        date(2027, 3, 7): (0, 0),
        date(2027, 3, 8): (1, 0),
        date(2027, 4, 1): (1, 1),
    }
    page = as_user(place.town_lead).get(OVERVIEW).content.decode()
    assert "7天内未巡查" in page or "No patrol in 7 days" in page


def test_a_unit_that_never_walked_a_round_is_flagged_and_an_open_round_does_not_count(
    place, as_user
):
    start(as_user(place.manager), place, kind="patrol")  # begun, never signed
    row = row_of(as_user(place.town_lead).get(OVERVIEW), place.unit)
    assert row.last_patrol is None and row.last_inspection is None
    assert (row.without_patrol, row.without_inspection) == (1, 1)


def test_a_patrol_late_at_night_counts_for_its_local_day(place, as_user, time_machine):
    # 23:30 in Shanghai is 15:30 UTC: the day is the local one.
    at(time_machine, datetime(2027, 3, 1, 23, 30))
    walk(as_user(place.manager), place, kind="patrol")
    at(time_machine, datetime(2027, 3, 7, 23, 59))
    row = row_of(as_user(place.town_lead).get(OVERVIEW), place.unit)
    assert row.last_patrol_date == date(2027, 3, 1) and row.without_patrol == 0


# Counts ------------------------------------------------------------------------------------------


def test_open_overdue_and_major_hazards_are_counted_until_closed(place, as_user, time_machine):
    at(time_machine, MONDAY)
    manager = as_user(place.manager)
    # Point 0 fails (一般, 7 days), point 2 fails (重大 by default, 3 days).
    walk(manager, place, kind="inspection", fail=(0, 2))
    at(time_machine, MONDAY + timedelta(days=5))
    row = row_of(as_user(place.town_lead).get(OVERVIEW), place.unit)
    assert (row.open_hazards, row.overdue_hazards, row.major_hazards) == (2, 1, 1)
    at(time_machine, MONDAY + timedelta(days=9))
    row = row_of(as_user(place.town_lead).get(OVERVIEW), place.unit)
    assert (row.open_hazards, row.overdue_hazards, row.major_hazards) == (2, 2, 1)
    # The major one is fixed (not overdue any more, still open until confirmed), then closed.
    major = Hazard.objects.get(severity="major")
    staff = as_user(place.staff)
    rectify = reverse("inspections:hazard_rectify", args=[major.pk])
    staff.post(rectify, {"note": "已打开北门", "photo": image_upload("fix.png")})
    row = row_of(as_user(place.town_lead).get(OVERVIEW), place.unit)
    assert (row.open_hazards, row.overdue_hazards, row.major_hazards) == (2, 1, 1)
    as_user(place.manager).post(reverse("inspections:hazard_close", args=[major.pk]))
    response = as_user(place.town_lead).get(OVERVIEW)
    row = row_of(response, place.unit)
    assert (row.open_hazards, row.overdue_hazards, row.major_hazards) == (1, 1, 0)
    total = response.context["total"]
    assert (total.open_hazards, total.overdue_hazards, total.major_hazards) == (1, 1, 0)


def test_the_district_sums_its_towns(place, as_user, district_lead):
    failed_round(as_user(place.manager), place)
    fail_other_unit(as_user(place.other_manager), place)
    response = as_user(district_lead).get(OVERVIEW)
    assert [row.open_hazards for row in response.context["rows"]] == [1, 1]
    assert response.context["total"].open_hazards == 2


def test_organisations_without_units_have_no_row(place, as_user, district_lead):
    OrganisationFactory(
        name="区志愿队", kind=Organisation.Kind.VOLUNTEER_TEAM, parent=place.district
    )
    rows = as_user(district_lead).get(OVERVIEW).context["rows"]
    assert "区志愿队" not in [row.organisation.name for row in rows]


# Most failed check points, weekly chart ----------------------------------------------------------


def test_the_most_failed_check_points_of_the_scope_come_first(place, as_user, district_lead):
    manager = as_user(place.manager)
    walk(manager, place, kind="inspection", fail=(0,))
    walk(manager, place, kind="inspection", fail=(0, 2))
    # Corrected to 合格 before signing: not a failure of the record.
    round_ = start(manager, place, kind="inspection")
    points = list(round_.points.all())
    answer(manager, points[1], "fail")
    for point in points:
        answer(manager, point, "pass")
    assert sign(manager, round_, responsible=place.staff).status_code == 302
    # Failed in a round still open: not signed, so not counted.
    answer(manager, start(manager, place, kind="inspection").points.last(), "fail")
    walk(
        as_user(place.other_manager),
        place,
        unit=place.other_unit,
        kind="inspection",
        fail=(1,),
        responsible=place.other_manager,
    )

    town = as_user(place.town_lead).get(OVERVIEW)
    assert [(p.item, p.failures, p.units) for p in town.context["failed_points"]] == [
        ("消防车通道是否被占用", 2, 1),
        ("安全出口是否上锁", 1, 1),
    ]
    assert "消防车通道是否被占用" in town.content.decode()
    district = as_user(district_lead).get(OVERVIEW).context["failed_points"]
    assert (district[0].item, district[0].failures) == ("消防车通道是否被占用", 2)
    assert {(p.item, p.failures) for p in district[1:]} == {
        ("安全出口是否上锁", 1),
        ("消防车通道净宽净高", 1),
    }


def test_the_most_failed_check_points_are_those_of_the_last_90_days(place, as_user, time_machine):
    at(time_machine, MONDAY)
    walk(as_user(place.manager), place, kind="inspection", fail=(0,))
    at(time_machine, MONDAY + timedelta(days=10))
    walk(as_user(place.manager), place, kind="inspection", fail=(2,))
    at(time_machine, MONDAY + timedelta(days=89, hours=-10))  # day 90 counts from the 1st
    failed = as_user(place.town_lead).get(OVERVIEW).context["failed_points"]
    assert {p.item for p in failed} == {"安全出口是否上锁", "消防车通道是否被占用"}
    at(time_machine, MONDAY + timedelta(days=90))
    response = as_user(place.town_lead).get(OVERVIEW)
    assert [p.item for p in response.context["failed_points"]] == ["安全出口是否上锁"]
    assert "90" in response.content.decode()


def test_open_hazards_by_week_count_those_not_closed_at_each_weeks_end(
    place, as_user, time_machine
):
    at(time_machine, MONDAY)
    failed_round(as_user(place.manager), place)
    hazard = Hazard.objects.get()
    at(time_machine, MONDAY + timedelta(days=8))  # week 2: fixed
    as_user(place.staff).post(
        reverse("inspections:hazard_rectify", args=[hazard.pk]),
        {"note": "已清理", "photo": image_upload("fix.png")},
    )
    at(time_machine, MONDAY + timedelta(days=15))  # week 3: confirmed and closed
    as_user(place.manager).post(reverse("inspections:hazard_close", args=[hazard.pk]))
    at(time_machine, MONDAY + timedelta(days=22))  # week 4
    response = as_user(place.town_lead).get(OVERVIEW)
    weeks = dict(response.context["weeks"])
    assert len(weeks) == 12
    assert list(weeks)[-1] == date(2027, 3, 22)
    assert weeks[date(2027, 2, 22)] == 0
    assert weeks[date(2027, 3, 1)] == 1
    assert weeks[date(2027, 3, 8)] == 1  # rectified, not yet confirmed: still open
    assert weeks[date(2027, 3, 15)] == 0
    assert weeks[date(2027, 3, 22)] == 0
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "2027-03-01" in page  # the numbers as a table too


# The export --------------------------------------------------------------------------------------


def _header_cells(page):
    thead = re.search(r"<thead><tr>(.*?)</tr></thead>", page, re.S).group(1)
    cells = re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="inspections-')
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_has_the_screens_columns_and_figures_and_no_formulas(
    place, as_user, district_lead
):
    hostile = '=HYPERLINK("http://example.com","x")'
    place.other_town.name = hostile
    place.other_town.save()
    failed_round(as_user(place.manager), place)
    client = as_user(district_lead)
    page = client.get(OVERVIEW)
    columns = _header_cells(page.content.decode())
    workbook = _workbook(client.get(EXPORT))
    assert len(workbook.sheetnames) == 3
    sheet = workbook.worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    heading = next(index for index, row in enumerate(table) if row and row[0] == columns[0])
    assert [cell for cell in table[heading] if cell is not None] == columns
    data = table[heading + 1 :]
    assert len(data) == len(page.context["rows"]) + 1  # and the total
    assert data[0][:2] == ("朱家角镇", 1) and data[0][6] == 1
    assert all(len([c for c in row if c is not None]) <= len(columns) for row in data)
    assert data[1][0] == hostile
    cell = sheet.cell(row=heading + 3, column=1)
    assert cell.data_type == "s" and cell.value == hostile
    assert data[-1][1] == 2  # units in all
    weeks = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert len(weeks) == 1 + 12 and weeks[-1][1] == 1
    points = list(workbook.worksheets[2].iter_rows(values_only=True))
    assert points[1] == ("消防车通道是否被占用", 1, 1)
    entry = AuditEntry.objects.get(action="firesafety.export.download")
    assert entry.user == district_lead and entry.data["what"] == "inspections.overview"


def test_the_export_of_a_town_covers_that_town_only(place, as_user):
    fail_other_unit(as_user(place.other_manager), place)
    workbook = _workbook(as_user(place.town_lead).get(EXPORT))
    names = [row[0] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert "示例商业广场" in names and "示例练塘工厂" not in names
    assert list(workbook.worksheets[2].iter_rows(values_only=True))[1:] == []


# The unit's page ---------------------------------------------------------------------------------


def test_the_units_page_lists_its_rounds_and_hazards_with_links(place, as_user):
    round_ = failed_round(as_user(place.manager), place)
    open_round = start(as_user(place.manager), place, kind="patrol")
    hazard = Hazard.objects.get()
    client = as_user(place.town_lead)
    response = client.get(reverse("inspections:overview_unit", args=[place.unit.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for url in (round_.get_absolute_url(), open_round.get_absolute_url()):
        assert url in page and client.get(url).status_code == 200
    hazard_url = reverse("inspections:hazard", args=[hazard.pk])
    assert hazard_url in page and client.get(hazard_url).status_code == 200
    assert response.context["row"].open_hazards == 1


# Queries -----------------------------------------------------------------------------------------


def _queries(client, url, params=None):
    client.get(url, params or {})  # caches of the shell (routes, header) warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_overview_needs_the_same_queries_whatever_the_number_of_units(
    place, as_user, district_lead, django_assert_max_num_queries
):
    failed_round(as_user(place.manager), place)
    client = as_user(district_lead)
    town = {"organisation": place.town.pk}
    unit_page = reverse("inspections:overview_unit", args=[place.unit.pk])
    few = [_queries(client, OVERVIEW), _queries(client, OVERVIEW, town)]
    few.append(_queries(client, unit_page))
    for number in range(6):
        unit = OrganisationFactory(name=f"示例单位{number}", parent=place.town)
        leader = member(unit, Role.MANAGER)
        fail = (0,) if number % 2 else ()
        walk(as_user(leader), place, unit=unit, kind="inspection", fail=fail, responsible=leader)
    for _again in range(3):
        walk(as_user(place.manager), place, kind="patrol", fail=(0,))
    client = as_user(district_lead)
    many = [_queries(client, OVERVIEW), _queries(client, OVERVIEW, town)]
    many.append(_queries(client, unit_page))
    assert few == many
    with django_assert_max_num_queries(12):
        client.get(OVERVIEW, town)
    with django_assert_max_num_queries(14):
        client.get(unit_page)
