"""The reports' roll-up of hands-on training and drills (/reports/drills/): sessions held, people
trained, the no-show rate and units overdue per organisation; export, chart, scope, queries."""

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from drills.models import Enrolment, TrainingSession, UnitDrill
from tests.factories import UserFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
REPORT = reverse("reports:drills")
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


def session(place, organisation, days_ago=3, cancelled=False, attendance=()):
    starts = NOW - timedelta(days=days_ago)
    held = TrainingSession.objects.create(
        lesson=place.lesson,
        organisation=organisation,
        open_to=organisation,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        signup_deadline=starts - timedelta(days=1),
        place="示例培训室",
        capacity=30,
        cancelled_at=NOW if cancelled else None,
    )
    for mark in attendance:
        Enrolment.objects.create(
            session=held, user=UserFactory(), state="confirmed", attendance=mark
        )
    return held


def test_the_rollup_counts_sessions_held_people_trained_no_shows_and_overdue_units(
    place, as_user, district_lead
):
    session(place, place.unit, attendance=["present", "present", "late", "no_show"])
    session(place, place.town, days_ago=40, attendance=["present", ""])
    session(place, place.unit, cancelled=True, attendance=["present"])  # cancelled: not held
    session(place, place.unit, days_ago=-2, attendance=["present"])  # not yet ended
    session(place, place.other_unit, attendance=["no_show"])
    UnitDrill.objects.create(
        unit=place.unit,
        held_on=date(2026, 11, 1),
        kind="combined",
        plan_version="v1",
        evacuation_seconds=100,
    )
    client = as_user(district_lead)
    response = client.get(REPORT, {"organisation": place.district.pk})
    assert response.status_code == 200
    rows = {row.organisation: row for row in response.context["rows"]}
    town, other = rows[place.town], rows[place.other_town]
    assert (town.sessions, town.trained, town.no_shows) == (2, 4, 1)
    assert town.no_show_rate == 20
    assert (town.units, town.overdue_units) == (1, 0)
    assert (other.sessions, other.trained, other.no_show_rate, other.overdue_units) == (
        1,
        0,
        100,
        1,
    )
    total = response.context["total"]
    assert (total.sessions, total.trained, total.overdue_units) == (3, 4, 1)
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert response.context["months"][-1] == (date(2026, 12, 1), 2)
    assert response.context["skill_signoffs"] == []  # nobody signed off in these sessions
    index = client.get(reverse("reports:report")).content.decode()
    assert REPORT in index


def test_the_export_writes_the_table_as_data(place, as_user):
    session(place, place.unit, attendance=["present", "no_show"])
    response = as_user(place.town_lead).get(reverse("reports:drills_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]
    assert [place.unit.name, 1, 1, 1, 50, 1, 1] in rows


def test_outside_the_scope_is_404_and_others_403(place, as_user):
    client = as_user(place.town_lead)
    for bad in (place.other_town.pk, place.district.pk, "abc", "-5"):
        assert client.get(REPORT, {"organisation": bad}).status_code == 404
        export = client.get(reverse("reports:drills_export"), {"organisation": bad})
        assert export.status_code == 404
    assert as_user(place.manager).get(REPORT).status_code == 403


def _queries(client, params):
    client.get(REPORT, params)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(REPORT, params).status_code == 200
    return len(captured)


def test_the_rollup_needs_the_same_queries_whatever_the_number_of_organisations(
    place, as_user, district_lead, django_assert_max_num_queries
):
    session(place, place.unit, attendance=["present"])
    client = as_user(district_lead)
    district = {"organisation": place.district.pk}
    few = _queries(client, district)
    for number in range(5):
        town = OrganisationFactory(name=f"示例镇{number}", kind="town", parent=place.district)
        unit = OrganisationFactory(name=f"示例单位{number}", parent=town)
        session(place, unit, attendance=["present", "no_show"])
    assert _queries(client, district) == few
    with django_assert_max_num_queries(14):
        client.get(REPORT, district)
