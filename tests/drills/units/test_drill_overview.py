"""The coordinators' drills overview: rows by organisation, overdue units, drill-down, scope,
the Excel export (data, never formulas) and its query count."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drills.drill_rules import KEY_UNIT_PLACE_TYPE
from drills.models import DrillProblem, UnitDrill
from organisations.models import Membership
from tests.organisations.factories import OrganisationFactory

from .conftest import member

pytestmark = pytest.mark.django_db
OVERVIEW = reverse("drills:overview")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-12-04 10:00 +0800", tick=False)


def held(unit, day, kind="evacuation", problems=()):
    drill = UnitDrill.objects.create(
        unit=unit,
        held_on=date.fromisoformat(day),
        kind=kind,
        plan_version="2026版",
        evacuation_seconds=150,
    )
    for number, text in enumerate(problems, start=1):
        DrillProblem.objects.create(drill=drill, order=number, text=text)
    return drill


def test_the_district_sees_each_town_and_the_town_its_units_flagged(place, as_user, district_lead):
    held(place.unit, "2026-11-20")
    late = OrganisationFactory(name="示例逾期单位", parent=place.town)
    held(late, "2025-10-01")
    never = OrganisationFactory(name="示例未演练单位", parent=place.other_town)
    client = as_user(district_lead)
    assert client.get(OVERVIEW).context["shown"].organisation == place.district  # its only top
    response = client.get(OVERVIEW, {"organisation": place.district.pk})
    rows = {row.organisation: row for row in response.context["rows"]}
    assert (rows[place.town].units, rows[place.town].overdue) == (2, 1)
    assert rows[place.town].last == date(2026, 11, 20)
    assert (rows[place.other_town].units, rows[place.other_town].never) == (2, 2)
    total = response.context["total"]
    assert (total.units, total.overdue) == (4, 3)
    assert never.name in response.content.decode()
    town = as_user(place.town_lead).get(OVERVIEW)
    page = town.content.decode()
    assert town.context["shown"].organisation == place.town
    assert [s.unit for s in town.context["overdue_units"]] == [late]
    assert reverse("drills:unit", args=[late.pk]) in page
    assert 'data-testid="drill-overdue"' in page
    unit_page = as_user(place.town_lead).get(reverse("drills:unit", args=[late.pk]))
    assert unit_page.status_code == 200 and unit_page.context["status"].overdue


def test_outside_the_scope_is_404_and_no_coordinator_is_403(place, as_user):
    client = as_user(place.town_lead)
    for organisation in (place.other_town, place.other_unit, place.district):
        assert client.get(OVERVIEW, {"organisation": organisation.pk}).status_code == 404
        export = reverse("drills:overview_export")
        assert client.get(export, {"organisation": organisation.pk}).status_code == 404
    assert client.get(reverse("drills:unit", args=[place.other_unit.pk])).status_code == 404
    for bad in ("abc", "-1", "99999999999999999999"):
        assert client.get(OVERVIEW, {"organisation": bad}).status_code == 404
    assert as_user(place.staff).get(OVERVIEW).status_code == 403
    assert as_user(place.staff).get(reverse("drills:overview_export")).status_code == 403


def test_the_export_has_the_tables_and_a_problem_starting_with_equals_stays_text(place, as_user):
    place.unit.place_types.add(KEY_UNIT_PLACE_TYPE)
    held(place.unit, "2026-11-20", problems=['=HYPERLINK("http://x")', "出口堵塞"])
    response = as_user(place.town_lead).get(reverse("drills:overview_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="drills-overview-')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    organisations, units, drills = book.worksheets
    values = [[cell.value for cell in row] for row in organisations.iter_rows()]
    assert [place.unit.name, 1, values[-2][2], 0, 0] == values[-2]
    unit_rows = [[cell.value for cell in row] for row in units.iter_rows()]
    assert unit_rows[1][0] == place.unit.full_name()
    problem_cell = list(drills.iter_rows())[1][7]
    assert problem_cell.value.startswith("=HYPERLINK") and problem_cell.data_type == "s"
    from organisations.models import AuditEntry

    assert AuditEntry.objects.filter(action="firesafety.export.download").count() == 1


def _queries(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_overview_needs_the_same_queries_whatever_the_number_of_units(
    place, as_user, district_lead, django_assert_max_num_queries
):
    held(place.unit, "2026-11-20")
    client = as_user(district_lead)
    district = {"organisation": place.district.pk}
    town = {"organisation": place.town.pk}
    few = [_queries(client, OVERVIEW, district), _queries(client, OVERVIEW, town)]
    for number in range(6):
        unit = OrganisationFactory(name=f"示例单位{number}", parent=place.town)
        member(unit, Membership.Role.MANAGER)
        if number % 2:
            held(unit, "2025-01-01", problems=["问题"])
    OrganisationFactory(name="示例新镇", kind="town", parent=place.district)
    many = [_queries(client, OVERVIEW, district), _queries(client, OVERVIEW, town)]
    assert few == many
    with django_assert_max_num_queries(14):
        client.get(OVERVIEW, town)
