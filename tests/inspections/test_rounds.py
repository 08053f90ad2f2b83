"""Rounds: who starts them, what they ask, answers saved as they go, sign-off."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from handbooks.models import HandbookPage
from inspections.models import Answer, Round
from tests.handbooks.builders import sections_stream

from .conftest import image_upload, sections
from .helpers import answer, sign, start

pytestmark = pytest.mark.django_db


def test_manager_sees_the_handbook_of_the_units_place_type_suggested(place, as_user):
    response = as_user(place.manager).get(reverse("inspections:home"))
    assert response.status_code == 200
    form = next(p["start_form"] for p in response.context["panels"] if p["unit"] == place.unit)
    assert form.fields["handbook"].initial == place.handbook.pk
    assert place.unit.name in response.content.decode()


def test_patrol_asks_only_patrol_points_and_inspection_asks_all(place, as_user):
    client = as_user(place.manager)
    patrol = start(client, place, kind="patrol")
    assert [p.item for p in patrol.points.all()] == ["消防车通道是否被占用", "安全出口是否上锁"]
    inspection = start(client, place, kind="inspection")
    assert inspection.points.count() == 3
    first = inspection.points.get(order=1)
    assert first.section_title == "消防车通道"
    assert first.basis == "消防法第二十八条"
    assert first.lesson_id == place.lesson.pk
    assert inspection.points.get(order=3).default_severity == "major"
    assert inspection.handbook_revision_id == place.handbook.live_revision_id


def test_responsible_person_may_start_but_staff_only_when_named(place, as_user):
    start(as_user(place.responsible), place)
    client = as_user(place.staff)
    url = reverse("inspections:start", args=[place.unit.pk])
    assert client.post(url, {"handbook": place.handbook.pk, "kind": "patrol"}).status_code == 404

    as_user(place.manager).post(
        reverse("inspections:nominate", args=[place.unit.pk]), {"person": place.staff.pk}
    )
    start(as_user(place.staff), place, kind="patrol")
    assert Round.objects.filter(started_by=place.staff).count() == 1


def test_only_a_leader_can_name_inspectors(place, as_user):
    url = reverse("inspections:nominate", args=[place.unit.pk])
    response = as_user(place.other_manager).post(url, {"person": place.staff.pk})
    assert response.status_code == 404


def test_a_round_of_another_unit_is_not_found(place, as_user):
    round_ = start(as_user(place.manager), place)
    point = round_.points.first()
    client = as_user(place.other_manager)
    assert client.get(reverse("inspections:round", args=[round_.pk])).status_code == 404
    assert answer(client, point, "fail").status_code == 404
    assert sign(client, round_).status_code == 404
    assert not Answer.objects.exists()
    # Nor by a coordinator of another town, nor by a staff member not named.
    assert as_user(place.other_town_lead).get(round_.get_absolute_url()).status_code == 404
    assert as_user(place.staff).get(round_.get_absolute_url()).status_code == 404


def test_the_towns_coordinator_sees_a_round_but_cannot_answer(place, as_user):
    round_ = start(as_user(place.manager), place)
    client = as_user(place.town_lead)
    response = client.get(round_.get_absolute_url())
    assert response.status_code == 200
    assert "消防车通道是否被占用" in response.content.decode()
    assert answer(client, round_.points.first(), "pass").status_code == 404


def test_answers_are_saved_as_they_go_with_a_private_resized_photo(place, as_user):
    client = as_user(place.manager)
    round_ = start(client, place)
    point = round_.points.first()
    big = image_upload("IMG_张三_2026.jpg", size=(3200, 1000), image_format="JPEG")
    response = answer(client, point, "fail", note="东侧通道停车", photo=big)
    assert response.status_code == 302
    saved = Answer.objects.get()
    assert saved.result == "fail" and saved.note == "东侧通道停车"
    assert saved.photo.name.startswith("inspections/") and "张三" not in saved.photo.name
    assert saved.photo.width == 1600
    page = client.get(round_.get_absolute_url()).content.decode()
    assert 'data-testid="answer-' in page
    assert client.get(round_.get_absolute_url()).context["answered"] == 1
    photo = client.get(reverse("inspections:answer_photo", args=[saved.pk]))
    assert photo.status_code == 200
    assert (
        as_user(place.other_manager)
        .get(reverse("inspections:answer_photo", args=[saved.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("notes.png", b"not an image", content_type="image/png"),
            "image",
        ),
        (lambda: image_upload(padding=10 * 1024 * 1024), "10 MB"),
    ],
)
def test_a_photo_that_is_not_an_image_or_too_large_is_a_form_error(place, as_user, upload, message):
    client = as_user(place.manager)
    round_ = start(client, place)
    response = answer(client, round_.points.first(), "fail", photo=upload())
    assert response.status_code == 400
    errors = response.context["rows"][0]["form"].errors["photo"]
    assert errors
    if message == "10 MB":
        assert any("10 MB" in error for error in errors)
    assert not Answer.objects.exists()


def test_two_people_answering_at_once_both_kept_and_the_later_wins(place):
    manager, responsible = Client(), Client()
    manager.force_login(place.manager)
    responsible.force_login(place.responsible)
    round_ = start(manager, place)
    point = round_.points.first()
    # Both opened the page before either answered; each posts their own answer.
    manager.get(round_.get_absolute_url())
    responsible.get(round_.get_absolute_url())
    assert answer(manager, point, "fail", note="有车").status_code == 302
    assert answer(responsible, point, "pass", note="车已移走").status_code == 302
    assert Answer.objects.filter(point=point).count() == 2
    page = manager.get(round_.get_absolute_url())
    shown = page.context["rows"][0]["answer"]
    assert (shown.result, shown.note, shown.answered_by) == ("pass", "车已移走", place.responsible)


def test_signing_with_unanswered_points_is_refused_listing_them(place, as_user):
    client = as_user(place.manager)
    round_ = start(client, place)
    points = list(round_.points.all())
    answer(client, points[1], "pass")
    response = sign(client, round_)
    assert response.status_code == 400
    text = " ".join(response.context["sign_form"].non_field_errors())
    assert "消防车通道是否被占用" in text and "安全出口是否上锁" in text
    assert "消防车通道净宽净高" not in text
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN


def test_signing_without_a_name_is_a_form_error(place, as_user):
    client = as_user(place.manager)
    round_ = start(client, place)
    for point in round_.points.all():
        answer(client, point, "na")
    response = sign(client, round_, name="")
    assert response.status_code == 400
    assert response.context["sign_form"].errors["inspector_name"]


def test_a_signed_round_takes_no_more_answers(place, as_user):
    client = as_user(place.manager)
    round_ = start(client, place)
    for point in round_.points.all():
        answer(client, point, "pass")
    assert sign(client, round_).status_code == 302
    round_.refresh_from_db()
    assert round_.is_signed and round_.inspector_name == "示例管理人"
    assert round_.signed_by == place.manager
    response = answer(client, round_.points.first(), "fail")
    assert response.status_code == 400
    assert Answer.objects.filter(result="fail").count() == 0
    assert sign(client, round_).status_code == 400


def test_a_handbook_edited_while_a_round_is_open_keeps_the_rounds_version(place, as_user):
    client = as_user(place.manager)
    round_ = start(client, place)
    handbook = HandbookPage.objects.get(pk=place.handbook.pk)
    changed = sections()
    changed[0]["checkpoints"][0]["item"] = "消防车通道（新版表述）"
    changed[0]["checkpoints"].pop(1)
    handbook.sections = sections_stream(changed)
    handbook.save_revision().publish()

    page = client.get(round_.get_absolute_url()).content.decode()
    assert "消防车通道是否被占用" in page and "消防车通道净宽净高" in page
    assert "新版表述" not in page
    for point in round_.points.all():
        answer(client, point, "pass")
    assert sign(client, round_).status_code == 302
    assert start(client, place).points.count() == 2
