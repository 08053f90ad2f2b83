"""A problem found in a drill made a hazard of the self-inspection app: the same states,
deadlines, reminders and overview as a round's hazard, and a link back to the drill."""

import io

import pytest

from django.core.management import call_command
from django.urls import reverse

from accounts.models import Notice
from inspections.models import Hazard, HazardReminder
from organisations.models import AuditEntry
from tests.inspections.helpers import failed_round

from .helpers import recorded

pytestmark = pytest.mark.django_db


def make_hazard(client, problem, severity="ordinary", responsible=None):
    data = {f"h{problem.pk}-severity": severity}
    if responsible is not None:
        data[f"h{problem.pk}-responsible"] = responsible.pk
    return client.post(reverse("drills:problem_hazard", args=[problem.pk]), data)


def drill_hazard(place, as_user, severity="ordinary"):
    drill = recorded(as_user(place.manager), place.unit)
    problem = drill.problems.first()
    response = make_hazard(as_user(place.manager), problem, severity, place.staff)
    assert response.status_code == 302, response.content.decode()[:3000]
    return drill, problem, Hazard.objects.get(source="drill")


def test_a_drill_problem_becomes_a_hazard_with_the_default_deadline_and_a_link_back(
    place, as_user, time_machine
):
    time_machine.move_to("2026-11-20 18:00 +0800", tick=False)
    drill, problem, hazard = drill_hazard(place, as_user)
    assert hazard.title == "东侧安全出口堆放货物" and hazard.unit == place.unit
    assert hazard.round is None and hazard.point is None and hazard.answer is None
    assert str(hazard.deadline) == "2026-11-27"  # ordinary: seven days
    assert hazard.responsible == place.staff and hazard.state == Hazard.State.PENDING
    problem.refresh_from_db()
    assert problem.hazard == hazard
    assert hazard.entries.get().kind == "found"
    assert AuditEntry.objects.get(action="firesafety.hazard.record").organisation == place.unit
    staff = as_user(place.staff)
    page = staff.get(reverse("inspections:hazard", args=[hazard.pk])).content.decode()
    assert "东侧安全出口堆放货物" in page and 'data-testid="found-in"' in page
    assert drill.get_absolute_url() in page
    home = staff.get(reverse("inspections:home")).content.decode()
    assert "东侧安全出口堆放货物" in home
    drill_page = as_user(place.manager).get(drill.get_absolute_url()).content.decode()
    assert reverse("inspections:hazard", args=[hazard.pk]) in drill_page


def test_a_problem_is_made_a_hazard_once(place, as_user):
    _drill, problem, _hazard = drill_hazard(place, as_user)
    again = make_hazard(as_user(place.manager), problem, "ordinary", place.staff)
    assert again.status_code == 400
    assert Hazard.objects.count() == 1


@pytest.mark.parametrize(
    ("severity", "who"), [("extreme", "staff"), ("ordinary", "other"), ("ordinary", None)]
)
def test_a_bad_hazard_request_is_a_form_error(place, as_user, severity, who):
    drill = recorded(as_user(place.manager), place.unit)
    responsible = {"staff": place.staff, "other": place.other_manager, None: None}[who]
    response = make_hazard(as_user(place.manager), drill.problems.first(), severity, responsible)
    assert response.status_code == 400
    assert not Hazard.objects.exists()


def test_a_major_drill_hazard_tells_the_town(place, as_user):
    drill_hazard(place, as_user, severity="major")
    assert Notice.objects.filter(user=place.town_lead).count() == 1


def test_a_drill_hazard_is_rectified_closed_and_reminded_like_any(place, as_user, time_machine):
    time_machine.move_to("2026-11-20 18:00 +0800", tick=False)
    _drill, _problem, hazard = drill_hazard(place, as_user)
    time_machine.move_to("2026-11-28 09:00 +0800", tick=False)
    call_command("send_hazard_reminders", stdout=io.StringIO())
    assert HazardReminder.objects.filter(hazard=hazard, kind="overdue").exists()
    page = as_user(place.staff).get(reverse("inspections:hazard", args=[hazard.pk]))
    assert page.context["hazard"].is_overdue
    from tests.inspections.conftest import image_upload

    fix = {"note": "货物已搬走", "photo": image_upload("fix.png")}
    url = reverse("inspections:hazard_rectify", args=[hazard.pk])
    assert as_user(place.staff).post(url, fix).status_code == 302
    as_user(place.manager).post(reverse("inspections:hazard_close", args=[hazard.pk]))
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.CLOSED


def test_the_inspections_overview_counts_a_drill_hazard_but_not_as_a_failed_point(place, as_user):
    failed_round(as_user(place.manager), place)
    drill_hazard(place, as_user)
    client = as_user(place.town_lead)
    response = client.get(reverse("inspections:overview"), {"organisation": place.town.pk})
    assert response.status_code == 200
    assert response.context["total"].open_hazards == 2
    assert [point.item for point in response.context["failed_points"]] == ["消防车通道是否被占用"]
    unit_page = client.get(reverse("inspections:overview_unit", args=[place.unit.pk]))
    assert "东侧安全出口堆放货物" in unit_page.content.decode()
    export = client.get(reverse("inspections:overview_export"), {"organisation": place.town.pk})
    assert export.status_code == 200


def test_only_the_units_recorders_make_hazards(place, as_user):
    drill = recorded(as_user(place.manager), place.unit)
    problem = drill.problems.first()
    for person in (place.town_lead, place.staff):
        response = make_hazard(as_user(person), problem, "ordinary", place.staff)
        assert response.status_code == 404
    assert not Hazard.objects.exists()
