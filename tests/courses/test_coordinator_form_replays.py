"""Attendance and a new requirement carry the form's key: a replay writes nothing twice."""

from datetime import date, timedelta

import pytest

from courses.models import TrainingRequirement
from organisations.models import AuditEntry, Membership
from tests.courses import test_attendance
from tests.factories import UserFactory
from tests.idempotency.forms import flashed, form_key
from tests.organisations.factories import MembershipFactory

practical = test_attendance.practical
unit_coordinator = test_attendance.unit_coordinator


@pytest.mark.django_db
def test_replaying_recorded_attendance_records_it_once(
    client, practical, district, responsible, unit_coordinator
):
    client.force_login(unit_coordinator)
    url = f"/manage/attendance/{practical.pk}/"
    page = client.get(url, {"organisation": district["unit"].pk}).content.decode()
    data = {
        "organisation": district["unit"].pk,
        "person": [responsible.pk],
        "idempotency_key": form_key(page),
    }
    first = client.post(url, data, follow=True)
    replay = client.post(url, data, follow=True)
    assert first.redirect_chain == replay.redirect_chain
    assert flashed(first) == flashed(replay)
    assert AuditEntry.objects.filter(action="firesafety.attendance.record").count() == 1


@pytest.mark.django_db
def test_replaying_a_new_requirement_saves_one(client, course, district):
    coordinator = UserFactory()
    MembershipFactory(
        user=coordinator, organisation=district["town"], role=Membership.Role.COORDINATOR
    )
    client.force_login(coordinator)
    url = "/manage/requirements/new/"
    data = {
        "course": course.pk,
        "organisation": district["unit"].pk,
        "roles": ["responsible", "manager"],
        "due_date": (date.today() + timedelta(days=30)).isoformat(),
        "renewal_months": "12",
        "idempotency_key": form_key(client.get(url).content.decode()),
    }
    first = client.post(url, data, follow=True)
    replay = client.post(url, data, follow=True)
    assert first.redirect_chain == replay.redirect_chain == [("/manage/requirements/", 302)]
    assert flashed(first) == flashed(replay)
    assert TrainingRequirement.objects.count() == 1
