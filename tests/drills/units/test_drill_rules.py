"""When a drill is due (drills.drill_rules.drill_due), at its boundaries, through the unit's page
and the overview, with the clock moved by time_machine."""

from datetime import date

import pytest

from django.urls import reverse

from drills.drill_rules import KEY_UNIT_PLACE_TYPE, DrillHistory, drill_due
from drills.models import UnitDrill
from organisations.models import Organisation
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def held(unit, day, kind="evacuation", **extra):
    return UnitDrill.objects.create(
        unit=unit,
        held_on=date.fromisoformat(day),
        kind=kind,
        plan_version="2026版",
        evacuation_seconds=120 if kind != "firefighting" else None,
        **extra,
    )


def overdue_on(sign_in, unit, moment, time_machine):
    time_machine.move_to(f"{moment} 12:00 +0800", tick=False)
    response = sign_in().get(reverse("drills:unit", args=[unit.pk]))
    assert response.status_code == 200
    return response.context["status"].overdue


def test_another_unit_drills_yearly(place, as_user, time_machine):
    held(place.unit, "2025-12-04", kind="firefighting")
    client = lambda: as_user(place.manager)  # noqa: E731 - signed in again after each jump
    assert not overdue_on(client, place.unit, "2026-12-04", time_machine)
    assert overdue_on(client, place.unit, "2026-12-05", time_machine)


def test_a_key_unit_drills_every_half_year(place, as_user, time_machine):
    place.unit.place_types.add(KEY_UNIT_PLACE_TYPE)
    held(place.unit, "2026-01-10")
    held(place.unit, "2026-03-31")
    client = lambda: as_user(place.manager)  # noqa: E731 - signed in again after each jump
    assert not overdue_on(client, place.unit, "2026-09-30", time_machine)
    assert overdue_on(client, place.unit, "2026-10-01", time_machine)


def test_a_shanghai_key_unit_drills_twice_in_the_calendar_year(place, as_user, time_machine):
    place.unit.place_types.add(KEY_UNIT_PLACE_TYPE)
    held(place.unit, "2026-09-01")  # the only one of 2026: the second is due by 31 December
    client = lambda: as_user(place.manager)  # noqa: E731 - signed in again after each jump
    assert not overdue_on(client, place.unit, "2026-12-31", time_machine)
    assert overdue_on(client, place.unit, "2027-01-01", time_machine)  # not 2027-03-01
    held(place.unit, "2026-10-15")
    assert not overdue_on(client, place.unit, "2027-04-15", time_machine)
    assert overdue_on(client, place.unit, "2027-04-16", time_machine)


def test_a_school_runs_an_evacuation_drill_every_month(place, as_user, time_machine):
    school = OrganisationFactory(name="示例小学", kind=Organisation.Kind.SCHOOL, parent=place.town)
    held(school, "2026-10-31", kind="combined")
    held(school, "2026-11-15", kind="firefighting")  # not an evacuation: does not count
    client = lambda: as_user(place.town_lead)  # noqa: E731
    assert not overdue_on(client, school, "2026-11-30", time_machine)
    assert overdue_on(client, school, "2026-12-01", time_machine)


def test_a_unit_that_never_drilled_is_overdue_and_a_corrected_record_does_not_count(
    place, as_user, time_machine
):
    client = lambda: as_user(place.manager)  # noqa: E731 - signed in again after each jump
    assert overdue_on(client, place.unit, "2026-12-04", time_machine)
    wrong = held(place.unit, "2026-06-01")
    held(place.unit, "2025-06-01", corrects=wrong, reason="日期写错")
    assert overdue_on(client, place.unit, "2026-12-04", time_machine)


@pytest.mark.parametrize(
    ("kind", "is_key", "history", "today", "due", "overdue"),
    [
        ("unit", False, DrillHistory(last=date(2024, 2, 29)), date(2025, 2, 28), "2025-02-28", 0),
        ("unit", False, DrillHistory(last=date(2024, 2, 29)), date(2025, 3, 1), "2025-02-28", 1),
        (
            "unit",
            True,
            DrillHistory(last=date(2026, 8, 31), last_year=2),
            date(2027, 2, 28),
            "2027-02-28",
            0,
        ),
        (
            "unit",
            True,
            DrillHistory(last=date(2026, 8, 31), last_year=2),
            date(2027, 3, 1),
            "2027-02-28",
            1,
        ),
        (
            "unit",
            True,
            DrillHistory(last=date(2025, 12, 1), last_year=1),
            date(2026, 1, 1),
            "2025-12-31",
            1,
        ),
        ("school", False, DrillHistory(last=date(2026, 11, 1)), date(2026, 11, 2), None, 1),
        ("unit", True, DrillHistory(), date(2026, 1, 1), None, 1),
    ],
)
def test_the_rule_at_its_boundaries(kind, is_key, history, today, due, overdue):
    result = drill_due(kind=kind, is_key=is_key, history=history, today=today)
    assert (result.due.isoformat() if result.due else None) == due
    assert result.overdue == bool(overdue)
    assert result.basis
