from datetime import timedelta
from decimal import Decimal

import pytest

from django.core.exceptions import ValidationError
from django.utils import timezone

from volunteers.models import ServiceRecord

from .conftest import record

pytestmark = pytest.mark.django_db
Status = ServiceRecord.Status


def form_data(team, **overrides):
    data = {
        "team": team.pk,
        "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "kind": ServiceRecord.Kind.DRILL,
        "hours": "2.5",
        "place": "示例放生桥居委",
        "description": "示例：居民疏散演练",
    }
    data.update(overrides)
    return data


def test_volunteer_logs_an_activity_that_waits_for_verification(client, teams):
    client.force_login(teams["vol_a"])
    response = client.post("/volunteer/log/", form_data(teams["a"]))
    assert response.status_code == 302
    saved = ServiceRecord.objects.get()
    assert saved.status == Status.SUBMITTED
    assert saved.hours == Decimal("2.5")
    assert saved.submitted_by == teams["vol_a"]
    page = client.get("/volunteer/").content.decode()
    assert "待核实" in page


@pytest.mark.parametrize("hours", ["0", "-1", "24.5", "abc", "0.1", "1.2", "2.25"])
def test_impossible_hours_are_a_form_error(client, teams, hours):
    client.force_login(teams["vol_a"])
    response = client.post("/volunteer/log/", form_data(teams["a"], hours=hours))
    assert response.status_code == 200
    assert response.context["form"].errors["hours"]
    assert not ServiceRecord.objects.exists()


def test_hours_are_in_half_hours_in_the_form_and_in_the_model(client, teams):
    client.force_login(teams["vol_a"])
    page = client.get("/volunteer/log/").content.decode()
    assert 'step="0.5"' in page and 'min="0.5"' in page
    response = client.post("/volunteer/log/", form_data(teams["a"], hours="1.2"))
    assert "半小时" in response.context["form"].errors["hours"][0]
    saved = record(teams["vol_a"], teams["a"], hours=Decimal("1.5"))
    saved.full_clean()
    saved.hours = Decimal("1.2")
    with pytest.raises(ValidationError):
        saved.full_clean()


def test_the_activity_date_starts_at_today(client, teams):
    client.force_login(teams["vol_a"])
    page = client.get("/volunteer/log/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_more_than_24_hours_in_one_day_for_one_person_is_refused(client, teams):
    yesterday = timezone.localdate() - timedelta(days=1)
    record(teams["vol_a"], teams["a"], date=yesterday, hours=Decimal("20"))
    client.force_login(teams["vol_a"])
    response = client.post(
        "/volunteer/log/",
        form_data(teams["a"], date=yesterday.isoformat(), hours="5", kind="hazards"),
    )
    assert response.status_code == 200
    assert "24" in response.context["form"].errors["hours"][0]
    assert ServiceRecord.objects.count() == 1


def test_a_date_in_the_future_is_a_form_error(client, teams):
    client.force_login(teams["vol_a"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post("/volunteer/log/", form_data(teams["a"], date=tomorrow.isoformat()))
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not ServiceRecord.objects.exists()


def test_the_same_activity_twice_is_warned_and_refused(client, teams):
    client.force_login(teams["vol_a"])
    assert client.post("/volunteer/log/", form_data(teams["a"])).status_code == 302
    response = client.post("/volunteer/log/", form_data(teams["a"]))
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert ServiceRecord.objects.count() == 1


def test_a_rejected_activity_may_be_logged_again(client, teams):
    yesterday = timezone.localdate() - timedelta(days=1)
    record(teams["vol_a"], teams["a"], date=yesterday, kind="drill", status=Status.REJECTED)
    client.force_login(teams["vol_a"])
    assert client.post("/volunteer/log/", form_data(teams["a"])).status_code == 302
    assert ServiceRecord.objects.filter(status=Status.SUBMITTED).count() == 1


def test_a_volunteer_cannot_log_for_a_team_they_are_not_in(client, teams):
    client.force_login(teams["vol_a"])
    response = client.post("/volunteer/log/", form_data(teams["b"]))
    assert response.status_code == 200
    assert response.context["form"].errors["team"]
    assert not ServiceRecord.objects.exists()


def test_someone_in_no_team_cannot_log(client, teams):
    client.force_login(teams["lead_a"])  # a coordinator, but not a volunteer
    assert client.get("/volunteer/log/").status_code == 403


def test_a_volunteer_cannot_change_a_verified_record(client, teams):
    verified = record(teams["vol_a"], teams["a"], status=Status.VERIFIED)
    client.force_login(teams["vol_a"])
    response = client.post(
        f"/volunteer/records/{verified.pk}/edit/", form_data(teams["a"], hours="9")
    )
    assert response.status_code == 302
    verified.refresh_from_db()
    assert verified.hours == Decimal("2.0")
    assert verified.status == Status.VERIFIED
    edit_link = f"/volunteer/records/{verified.pk}/edit/"
    assert edit_link not in client.get("/volunteer/").content.decode()


def test_changing_a_rejected_record_sends_it_back_for_verification(client, teams):
    rejected = record(
        teams["vol_a"], teams["a"], status=Status.REJECTED, reject_reason="示例：日期不对"
    )
    client.force_login(teams["vol_a"])
    response = client.post(
        f"/volunteer/records/{rejected.pk}/edit/", form_data(teams["a"], hours="3")
    )
    assert response.status_code == 302
    rejected.refresh_from_db()
    assert rejected.status == Status.SUBMITTED
    assert rejected.reject_reason == ""
    assert rejected.hours == Decimal("3")


def test_another_persons_record_cannot_be_opened_for_editing(client, teams):
    theirs = record(teams["vol_b"], teams["b"])
    client.force_login(teams["vol_a"])
    assert client.get(f"/volunteer/records/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/volunteer/records/{theirs.pk}/edit/", {}).status_code == 404


def test_a_photo_that_is_not_an_image_is_a_form_error(client, teams):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(teams["vol_a"])
    fake = SimpleUploadedFile("photo.jpg", b"not an image", content_type="image/jpeg")
    response = client.post("/volunteer/log/", {**form_data(teams["a"]), "photo": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]


def test_my_page_shows_only_verified_hours(client, teams):
    today = timezone.localdate()
    record(teams["vol_a"], teams["a"], date=today, hours=Decimal("3"), status=Status.VERIFIED)
    record(teams["vol_a"], teams["a"], date=today, kind="drill", hours=Decimal("5"))
    record(
        teams["vol_a"],
        teams["a"],
        date=today,
        kind="other",
        hours=Decimal("7"),
        status=Status.REJECTED,
    )
    client.force_login(teams["vol_a"])
    response = client.get("/volunteer/")
    assert response.context["hours"]["month"] == Decimal("3")
    assert response.context["hours"]["year"] == Decimal("3")
    assert response.context["hours"]["waiting"] == Decimal("5")


def test_my_page_shows_the_training_my_team_requires(client, teams, course_index):
    from courses.models import TrainingRequirement
    from tests.courses.conftest import make_course

    course = make_course(course_index, slug="hydrants", title="灭火器与消火栓")
    TrainingRequirement.objects.create(
        course=course,
        organisation=teams["a"],
        roles=["volunteer"],
        due_date=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(teams["vol_a"])
    response = client.get("/volunteer/")
    [(team, requirement, status)] = response.context["training"]
    assert team == teams["a"] and requirement.course == course and status == "not_started"
    assert "灭火器与消火栓" in response.content.decode()


@pytest.mark.parametrize("records", [1, 25])
def test_my_page_runs_a_fixed_number_of_queries(
    client, teams, django_assert_max_num_queries, records
):
    for days in range(1, records + 1):
        record(teams["vol_a"], teams["a"], days_ago=days, status=Status.VERIFIED)
    client.force_login(teams["vol_a"])
    client.get("/volunteer/")  # the first request of a site creates its settings rows
    with django_assert_max_num_queries(16):
        assert client.get("/volunteer/").status_code == 200
