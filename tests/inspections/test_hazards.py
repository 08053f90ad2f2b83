"""Hazards: made at sign-off, rectified with note and photo, confirmed by another leader."""

from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from inspections.models import Hazard
from organisations.models import AuditEntry

from .conftest import image_upload
from .helpers import answer, failed_round, sign, start

pytestmark = pytest.mark.django_db


def rectify(client, hazard, note="已清理通道，车辆移走", photo="default"):
    data = {"note": note}
    if photo == "default":
        photo = image_upload("fix.png")
    if photo is not None:
        data["photo"] = photo
    return client.post(reverse("inspections:hazard_rectify", args=[hazard.pk]), data)


def close(client, hazard):
    return client.post(reverse("inspections:hazard_close", args=[hazard.pk]), follow=True)


def test_a_failed_point_becomes_a_hazard_with_the_default_deadline(place, as_user):
    round_ = failed_round(as_user(place.manager), place)
    hazard = Hazard.objects.get()
    assert hazard.round == round_ and hazard.unit == place.unit
    assert hazard.point.item == "消防车通道是否被占用"
    assert hazard.answer.note == "东侧通道停满车辆" and hazard.answer.photo
    assert hazard.severity == "ordinary" and hazard.responsible == place.staff
    assert hazard.deadline == timezone.localdate() + timedelta(days=7)
    assert hazard.state == Hazard.State.PENDING
    entry = AuditEntry.objects.get(action="firesafety.inspection.sign")
    assert entry.user == place.manager and entry.organisation == place.unit
    page = as_user(place.staff).get(reverse("inspections:home")).content.decode()
    assert "消防车通道是否被占用" in page


def test_a_major_hazard_tells_the_towns_coordinators_at_once(place, as_user):
    client = as_user(place.manager)
    round_ = start(client, place)
    points = list(round_.points.all())
    for point in points[:2]:
        answer(client, point, "pass")
    answer(client, points[2], "fail", note="北门上锁")
    assert sign(client, round_, responsible=place.staff).status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.severity == "major"
    assert hazard.deadline == timezone.localdate() + timedelta(days=3)
    notice = Notice.objects.get()
    assert notice.user == place.town_lead
    assert "安全出口是否上锁" in notice.title and "示例商业广场" in notice.title
    assert as_user(place.town_lead).get(notice.link).status_code == 200


def test_an_ordinary_hazard_tells_nobody_but_severity_can_be_raised_at_sign_off(place, as_user):
    client = as_user(place.manager)
    round_ = start(client, place)
    points = list(round_.points.all())
    answer(client, points[0], "fail")
    for point in points[1:]:
        answer(client, point, "pass")
    assert not Notice.objects.exists()
    response = sign(client, round_, responsible=place.staff, **{f"p{points[0].pk}": "major"})
    assert response.status_code == 302
    assert Hazard.objects.get().severity == "major"
    assert Notice.objects.filter(user=place.town_lead).count() == 1
    assert not Notice.objects.filter(user=place.other_town_lead).exists()


def test_signing_failed_points_needs_someone_responsible_from_the_unit(place, as_user):
    client = as_user(place.manager)
    round_ = start(client, place)
    for point in round_.points.all():
        answer(client, point, "fail")
    response = sign(client, round_, responsible=place.other_manager)
    assert response.status_code == 400
    assert response.context["sign_form"].errors["responsible"]
    assert not Hazard.objects.exists()


def test_rectifying_needs_a_note_and_a_photo(place, as_user):
    failed_round(as_user(place.manager), place)
    hazard = Hazard.objects.get()
    client = as_user(place.staff)
    response = rectify(client, hazard, photo=None)
    assert response.status_code == 400
    assert response.context["rectify_form"].errors["photo"]
    response = rectify(client, hazard, note="")
    assert response.status_code == 400
    assert response.context["rectify_form"].errors["note"]
    response = rectify(client, hazard, photo=image_upload(padding=10 * 1024 * 1024))
    assert response.status_code == 400
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.PENDING and not hazard.fix_photo


def test_the_fixer_cannot_confirm_their_own_fix_another_leader_closes_it(place, as_user):
    failed_round(as_user(place.manager), place, responsible=place.manager)
    hazard = Hazard.objects.get()
    manager = as_user(place.manager)
    assert rectify(manager, hazard).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.RECTIFIED and hazard.rectified_by == place.manager
    response = close(manager, hazard)
    assert "您本人完成的整改" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.RECTIFIED

    # Staff neither fixed it nor lead the unit: the hazard is not theirs to see.
    assert close(as_user(place.staff), hazard).status_code == 404

    close(as_user(place.responsible), hazard)
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.CLOSED and hazard.closed_by == place.responsible
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"firesafety.hazard.rectify", "firesafety.hazard.close"} <= actions
    fix = as_user(place.town_lead).get(reverse("inspections:fix_photo", args=[hazard.pk]))
    assert fix.status_code == 200


def test_a_deadline_in_the_past_is_a_form_error(place, as_user):
    failed_round(as_user(place.manager), place)
    hazard = Hazard.objects.get()
    url = reverse("inspections:hazard_change", args=[hazard.pk])
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {"severity": "ordinary", "responsible": place.staff.pk, "deadline": yesterday}
    response = as_user(place.manager).post(url, data)
    assert response.status_code == 400
    assert response.context["change_form"].errors["deadline"]
    later = timezone.localdate() + timedelta(days=14)
    data = {"severity": "major", "responsible": place.responsible.pk, "deadline": later}
    assert as_user(place.manager).post(url, data).status_code == 302
    hazard.refresh_from_db()
    assert (hazard.deadline, hazard.responsible, hazard.severity) == (
        later,
        place.responsible,
        "major",
    )
    assert Notice.objects.filter(user=place.town_lead).count() == 1
    assert AuditEntry.objects.filter(action="firesafety.hazard.change").count() == 1
    # The person responsible for the fix is not a leader: the change form is not theirs.
    assert as_user(place.staff).post(url, data).status_code == 404


def test_a_hazard_outside_ones_scope_is_not_found(place, as_user):
    failed_round(as_user(place.manager), place)
    hazard = Hazard.objects.get()
    url = reverse("inspections:hazard", args=[hazard.pk])
    for outsider in (place.other_manager, place.other_town_lead):
        client = as_user(outsider)
        assert client.get(url).status_code == 404
        assert rectify(client, hazard).status_code == 404
        assert close(client, hazard).status_code == 404
    assert as_user(place.town_lead).get(url).status_code == 200
    assert as_user(place.staff).get(url).status_code == 200
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.PENDING


def test_hazard_states_over_time(place, as_user, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    failed_round(as_user(place.manager), place)
    hazard = Hazard.objects.get()
    assert str(hazard.deadline) == "2026-03-09"
    url = reverse("inspections:hazard", args=[hazard.pk])

    time_machine.move_to("2026-03-09 20:00 +0800", tick=False)
    assert not as_user(place.staff).get(url).context["hazard"].is_overdue

    time_machine.move_to("2026-03-10 08:00 +0800", tick=False)
    page = as_user(place.staff).get(url)
    assert page.context["hazard"].is_overdue
    assert "status-badge--overdue" in page.content.decode()

    assert rectify(as_user(place.staff), hazard).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.RECTIFIED and not hazard.is_overdue

    time_machine.move_to("2026-03-11 10:00 +0800", tick=False)
    close(as_user(place.manager), hazard)
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.CLOSED
    assert hazard.closed_at.isoformat().startswith("2026-03-11T02:00")


def test_the_person_responsible_sees_the_photo_of_the_finding_and_no_other(place, as_user):
    round_ = start(as_user(place.manager), place)
    points = list(round_.points.all())
    answer(as_user(place.manager), points[0], "fail", note="通道停车", photo=image_upload())
    answer(as_user(place.manager), points[1], "pass", photo=image_upload("ok.png"))
    for point in points[2:]:
        answer(as_user(place.manager), point, "pass")
    assert sign(as_user(place.manager), round_, responsible=place.staff).status_code == 302
    hazard = Hazard.objects.get()
    passed = points[1].answers.get()
    # staff walks no rounds and sees none; the hazard they must fix shows its photo all the same.
    client = as_user(place.staff)
    assert client.get(round_.get_absolute_url()).status_code == 404
    page = client.get(reverse("inspections:hazard", args=[hazard.pk])).content.decode()
    assert f'src="{hazard.answer.photo.url}"' in page
    assert client.get(hazard.answer.photo.url).status_code == 200
    assert client.get(reverse("inspections:answer_photo", args=[passed.pk])).status_code == 404
    stranger = as_user(place.other_manager)
    assert stranger.get(hazard.answer.photo.url).status_code == 404
