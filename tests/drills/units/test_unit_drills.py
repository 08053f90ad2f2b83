"""A unit records its drills (演练): the record, its bad inputs, corrections, who may see what."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from drills.models import DrillPhoto, DrillProblem, UnitDrill
from inspections.append_only import RecordRefused
from organisations.models import AuditEntry, Membership

from .conftest import image_upload, member
from .helpers import drill_data, record, recorded

pytestmark = pytest.mark.django_db

TODAY = "2026-12-04 10:00 +0800"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def test_the_manager_records_a_drill_with_people_problems_and_a_resized_private_photo(
    place, as_user
):
    client = as_user(place.manager)
    big = image_upload("IMG_张三.jpg", size=(3200, 1000), image_format="JPEG")
    data = drill_data(participants=[place.staff.pk, place.responsible.pk])
    data["photos"] = [big, image_upload()]
    response = client.post(reverse("drills:new", args=[place.unit.pk]), data)
    assert response.status_code == 302
    drill = UnitDrill.objects.get()
    assert (drill.kind, drill.evacuation_seconds, drill.others_count) == ("evacuation", 185, 40)
    assert drill.plan_version == "2026版" and drill.recorded_by == place.manager
    assert set(drill.participants.all()) == {place.staff, place.responsible}
    assert drill.head_count == 42
    assert [p.text for p in drill.problems.all()] == ["东侧安全出口堆放货物", "应急广播声音太小"]
    photos = list(DrillPhoto.objects.order_by("pk"))
    assert len(photos) == 2 and photos[0].photo.width == 1600
    assert photos[0].photo.name.startswith("drills/") and "张三" not in photos[0].photo.name
    entry = AuditEntry.objects.get(action="firesafety.drill.record")
    assert entry.organisation == place.unit
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "185" in page and "东侧安全出口堆放货物" in page and "示例员工" in page
    photo_url = reverse("drills:drill_photo", args=[photos[0].pk])
    assert photo_url in page and client.get(photo_url).status_code == 200
    unit_page = client.get(reverse("drills:unit", args=[place.unit.pk])).content.decode()
    assert drill.get_absolute_url() in unit_page
    assert as_user(place.other_manager).get(photo_url).status_code == 404


def test_a_firefighting_drill_needs_no_evacuation_time_and_keeps_none(place, as_user):
    drill = recorded(
        as_user(place.manager), place.unit, kind="firefighting", evacuation_seconds="90"
    )
    assert drill.evacuation_seconds is None and drill.kind == "firefighting"


def test_the_responsible_person_and_the_units_coordinator_record_too(place, as_user):
    recorded(as_user(place.responsible), place.unit)
    unit_coordinator = member(place.unit, Membership.Role.COORDINATOR)
    recorded(as_user(unit_coordinator), place.unit, held_on="2026-11-21")
    assert UnitDrill.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": "2026-12-05"}, "held_on"),  # tomorrow
        ({"held_on": "2026-13-01"}, "held_on"),
        ({"held_on": ""}, "held_on"),
        ({"evacuation_seconds": "0"}, "evacuation_seconds"),
        ({"evacuation_seconds": "-5"}, "evacuation_seconds"),
        ({"evacuation_seconds": "3601"}, "evacuation_seconds"),
        ({"evacuation_seconds": "abc"}, "evacuation_seconds"),
        ({"evacuation_seconds": ""}, "evacuation_seconds"),
        ({"kind": "combined", "evacuation_seconds": ""}, "evacuation_seconds"),
        ({"kind": "monthly"}, "kind"),
        ({"others_count": "10001"}, "others_count"),
        ({"others_count": "-1"}, "others_count"),
        ({"others_count": "9" * 30}, "others_count"),
        ({"plan_version": ""}, "plan_version"),
        ({"problems": "长" * 201}, "problems"),
        ({"problems": "\n".join(f"问题{n}" for n in range(21))}, "problems"),
        ({"participants": "abc"}, "participants"),
    ],
)
def test_bad_input_is_a_form_error_and_records_nothing(place, as_user, overrides, field):
    response = record(as_user(place.manager), place.unit, **overrides)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not UnitDrill.objects.exists()


def test_a_participant_from_another_unit_is_refused(place, as_user):
    response = record(as_user(place.manager), place.unit, participants=[place.other_manager.pk])
    assert response.status_code == 400
    assert response.context["form"].errors["participants"]
    assert not UnitDrill.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("notes.png", b"not an image", content_type="image/png"),
            "image",
        ),
        (lambda: image_upload(padding=10 * 1024 * 1024), "10 MB"),
        (lambda: image_upload("x.gif", image_format="GIF"), "extension"),
    ],
)
def test_a_photo_that_is_not_an_image_or_too_large_is_a_form_error(place, as_user, upload, message):
    data = drill_data()
    data["photos"] = [upload()]
    response = as_user(place.manager).post(reverse("drills:new", args=[place.unit.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors["photos"]
    assert errors
    if message == "10 MB":
        assert any("10 MB" in error for error in errors)
    assert not UnitDrill.objects.exists() and not DrillPhoto.objects.exists()


def test_the_record_is_append_only(place, as_user):
    drill = recorded(as_user(place.manager), place.unit)
    drill.plan_version = "2027版"
    with pytest.raises(RecordRefused):
        drill.save()
    with pytest.raises((RecordRefused, ProtectedError)), transaction.atomic():
        UnitDrill.objects.filter(pk=drill.pk).delete()
    bare = recorded(as_user(place.manager), place.unit, problems="")
    with pytest.raises(RecordRefused), transaction.atomic():
        UnitDrill.objects.filter(pk=bare.pk).delete()
    problem = DrillProblem.objects.filter(drill=drill).first()
    problem.text = "改写"
    with pytest.raises(RecordRefused):
        problem.save()
    with pytest.raises(RecordRefused):
        problem.delete()


def test_a_correction_is_a_new_record_naming_the_old_which_stays(place, as_user):
    client = as_user(place.manager)
    drill = recorded(client, place.unit)
    url = reverse("drills:correct", args=[drill.pk])
    form = client.get(url)
    assert form.status_code == 200 and form.context["form"].initial["evacuation_seconds"] == 185
    missing_reason = client.post(url, drill_data(evacuation_seconds="150"))
    assert missing_reason.status_code == 400 and missing_reason.context["form"].errors["reason"]
    response = client.post(url, drill_data(evacuation_seconds="150", reason="秒表读错"))
    assert response.status_code == 302
    correction = UnitDrill.objects.latest("pk")
    assert correction.corrects == drill and correction.evacuation_seconds == 150
    drill.refresh_from_db()
    assert drill.evacuation_seconds == 185  # the original as it was
    entry = AuditEntry.objects.get(action="firesafety.drill.correct")
    assert entry.data["corrects"] == drill.pk and entry.data["reason"] == "秒表读错"
    old_page = client.get(drill.get_absolute_url()).content.decode()
    assert 'data-testid="corrected"' in old_page and correction.get_absolute_url() in old_page
    again = client.post(url, drill_data(evacuation_seconds="140", reason="再改"))
    assert again.status_code == 400  # the old record is no longer corrected: the new one is
    assert again.context["form"].non_field_errors()
    assert UnitDrill.objects.count() == 2


def test_drills_outside_ones_units_or_scope_are_404(place, as_user):
    drill = recorded(as_user(place.manager), place.unit)
    problem = drill.problems.first()
    outsider = as_user(place.other_manager)
    for url in (
        drill.get_absolute_url(),
        reverse("drills:unit", args=[place.unit.pk]),
        reverse("drills:new", args=[place.unit.pk]),
        reverse("drills:correct", args=[drill.pk]),
    ):
        assert outsider.get(url).status_code == 404
    assert record(outsider, place.unit).status_code == 404
    hazard_url = reverse("drills:problem_hazard", args=[problem.pk])
    assert outsider.post(hazard_url, {}).status_code == 404
    assert as_user(place.other_town_lead).get(drill.get_absolute_url()).status_code == 404


def test_staff_see_nothing_and_record_nothing(place, as_user):
    drill = recorded(as_user(place.manager), place.unit)
    staff = as_user(place.staff)
    assert staff.get(drill.get_absolute_url()).status_code == 404
    assert record(staff, place.unit).status_code == 404
    page = staff.get(reverse("drills:units")).content.decode()
    assert place.unit.name not in page


def test_the_town_coordinator_reads_but_does_not_record(place, as_user):
    drill = recorded(as_user(place.manager), place.unit)
    town = as_user(place.town_lead)
    assert town.get(drill.get_absolute_url()).status_code == 200
    assert town.get(reverse("drills:unit", args=[place.unit.pk])).status_code == 200
    assert record(town, place.unit).status_code == 404
    assert town.get(reverse("drills:correct", args=[drill.pk])).status_code == 404


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999999999999999999999"])
def test_malformed_ids_are_404(place, as_user, bad):
    client = as_user(place.manager)
    for name in ("drills:unit", "drills:new", "drills:drill", "drills:correct"):
        assert client.get(f"/drills/{name.split(':')[1]}/{bad}/").status_code == 404
