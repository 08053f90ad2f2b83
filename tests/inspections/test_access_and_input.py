"""Named inspectors, malformed requests and the query counts of the main pages."""

import pytest

from django.test import Client
from django.urls import reverse

from inspections.models import Answer, Round, RoundNominee
from organisations.models import AuditEntry, Membership
from tests.handbooks.builders import make_handbook

from .helpers import answer, failed_round, start

pytestmark = pytest.mark.django_db


def test_naming_and_withdrawing_an_inspector_is_audited_and_ends_the_right(place, as_user):
    manager = as_user(place.manager)
    url = reverse("inspections:nominate", args=[place.unit.pk])
    assert manager.post(url, {"person": place.staff.pk}).status_code == 302
    nominee = RoundNominee.objects.get()
    assert AuditEntry.objects.get(action="firesafety.inspection.nominate").subject == place.staff
    manager.post(reverse("inspections:withdraw", args=[nominee.pk]))
    assert not RoundNominee.objects.exists()
    assert AuditEntry.objects.filter(action="firesafety.inspection.unnominate").count() == 1
    staff = as_user(place.staff)
    start_url = reverse("inspections:start", args=[place.unit.pk])
    data = {"handbook": place.handbook.pk, "kind": "patrol"}
    assert staff.post(start_url, data).status_code == 404


def test_a_named_member_who_left_the_unit_may_no_longer_walk_rounds(place, as_user):
    RoundNominee.objects.create(unit=place.unit, user=place.staff, named_by=place.manager)
    round_ = start(as_user(place.staff), place)
    Membership.objects.filter(user=place.staff).update(ended_at="2026-01-01T00:00Z")
    client = as_user(place.staff)
    assert client.get(round_.get_absolute_url()).status_code == 404
    assert answer(client, round_.points.first(), "pass").status_code == 404


def test_someone_outside_the_unit_cannot_be_named(place, as_user):
    url = reverse("inspections:nominate", args=[place.unit.pk])
    response = as_user(place.manager).post(url, {"person": place.other_manager.pk})
    assert response.status_code == 400
    assert not RoundNominee.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"handbook": "999999", "kind": "patrol"},
        {"handbook": "abc", "kind": "patrol"},
        {"kind": "inspection"},
        {"handbook": "HANDBOOK", "kind": "monthly"},
    ],
)
def test_a_bad_start_request_is_a_form_error(place, as_user, data):
    data = {k: str(place.handbook.pk) if v == "HANDBOOK" else v for k, v in data.items()}
    response = as_user(place.manager).post(reverse("inspections:start", args=[place.unit.pk]), data)
    assert response.status_code == 400
    assert not Round.objects.exists()


def test_a_patrol_of_a_handbook_without_patrol_points_is_a_form_error(place, as_user):
    response = as_user(place.manager).post(
        reverse("inspections:start", args=[place.unit.pk]),
        {"handbook": place.handbook.get_prev_sibling().pk, "kind": "patrol"},
    )
    assert response.status_code == 400
    form = next(p["start_form"] for p in response.context["panels"])
    assert form.errors["kind"]
    assert not Round.objects.exists()


def test_a_draft_handbook_cannot_be_walked(place, as_user):
    draft = make_handbook(
        place.handbook.get_parent(), slug="draft", title="草稿手册", publish=False
    )
    response = as_user(place.manager).post(
        reverse("inspections:start", args=[place.unit.pk]),
        {"handbook": draft.pk, "kind": "inspection"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("result", ["", "ok", "合格"])
def test_an_unknown_result_is_a_form_error(place, as_user, result):
    client = as_user(place.manager)
    round_ = start(client, place)
    response = answer(client, round_.points.first(), result)
    assert response.status_code == 400
    assert response.context["rows"][0]["form"].errors["result"]
    assert not Answer.objects.exists()


def test_a_point_of_another_round_or_a_malformed_id_is_not_found(place, as_user):
    client = as_user(place.manager)
    first, second = start(client, place), start(client, place)
    point = second.points.first()
    url = reverse("inspections:answer", args=[first.pk, point.pk])
    assert client.post(url, {f"p{point.pk}-result": "pass"}).status_code == 404
    for path in ("/inspections/rounds/abc/", "/inspections/hazards/99999999999999999999/"):
        assert client.get(path).status_code == 404
    assert not Answer.objects.exists()


def test_answers_in_the_same_instant_the_later_row_wins(place, as_user, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    other = Client()
    other.force_login(place.responsible)
    client = as_user(place.manager)
    round_ = start(client, place)
    point = round_.points.first()
    answer(client, point, "fail")
    answer(other, point, "na")
    assert len({a.answered_at for a in Answer.objects.all()}) == 1
    shown = client.get(round_.get_absolute_url()).context["rows"][0]["answer"]
    assert shown.result == "na"


def test_main_pages_need_a_fixed_number_of_queries(place, as_user, django_assert_max_num_queries):
    client = as_user(place.manager)
    failed_round(client, place)
    round_ = start(client, place)
    for point in round_.points.all():
        answer(client, point, "fail")
        answer(client, point, "pass")
    hazard = place.unit.hazards.get()
    with django_assert_max_num_queries(25):
        assert client.get(reverse("inspections:home")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(round_.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("inspections:hazard", args=[hazard.pk])).status_code == 200
