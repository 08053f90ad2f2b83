"""Coordinators schedule, change and cancel sessions, and enrol people in their scope."""

from datetime import timedelta

import pytest

from django.utils import timezone

from accounts.models import Notice
from drills.models import Enrolment, TrainingSession
from idempotency.submits import new_key
from organisations.models import AuditEntry, Membership
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

State = Enrolment.State
FORMAT = "%Y-%m-%dT%H:%M"


def _local(moment):
    return timezone.localtime(moment).strftime(FORMAT)


def form_data(at, **overrides):
    now = timezone.now()
    data = {
        "lesson": at.lesson.pk,
        "organisation": at.unit.pk,
        "open_to": "own",
        "starts_at": _local(now + timedelta(days=7)),
        "ends_at": _local(now + timedelta(days=7, hours=2)),
        "place": "商业广场北侧空地",
        "map_url": "https://uri.amap.com/marker?position=121.05,31.11",
        "capacity": "20",
        "signup_deadline": _local(now + timedelta(days=6)),
        "instructors": [at.instructor.pk],
        "note": "",
        "idempotency_key": new_key(),
    }
    return data | overrides


def test_a_unit_coordinator_schedules_a_session(place, as_user):
    client = as_user(place.unit_lead)
    assert client.get("/drills/sessions/new/").status_code == 200
    response = client.post("/drills/sessions/new/", form_data(place))
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/drills/sessions/{session.pk}/"
    assert session.open_to == place.unit and session.capacity == 20
    assert list(session.instructors.all()) == [place.instructor]
    assert AuditEntry.objects.filter(action="firesafety.session.schedule").exists()


def test_a_session_open_to_the_town_is_open_to_the_unit_s_town(place, as_user):
    as_user(place.unit_lead).post("/drills/sessions/new/", form_data(place, open_to="town"))
    assert TrainingSession.objects.get().open_to == place.town


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"capacity": "0"}, "capacity", "1"),
        ({"capacity": "501"}, "capacity", "500"),
        ({"capacity": "二十"}, "capacity", "请输入整数名额"),
        ({"map_url": "javascript:alert(1)"}, "map_url", ""),
        ({"map_url": "ftp://example.com/map"}, "map_url", ""),
        ({"starts_at": "明天"}, "starts_at", "请输入日期和时间"),
        ({"starts_at": "2020-01-01T09:00"}, "starts_at", "开始时间必须晚于现在"),
        ({"ends_at": "END"}, "ends_at", "请输入日期和时间"),
        ({"place": ""}, "place", ""),
        ({"open_to": "district"}, "open_to", ""),
        ({"lesson": "999999"}, "lesson", ""),
        ({"instructors": []}, "instructors", ""),
    ],
)
def test_each_bad_value_gets_a_form_error(place, as_user, change, field, message):
    response = as_user(place.unit_lead).post("/drills/sessions/new/", form_data(place, **change))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not TrainingSession.objects.exists()


def test_times_out_of_order_get_form_errors(place, as_user):
    now = timezone.now()
    client = as_user(place.unit_lead)
    response = client.post(
        "/drills/sessions/new/",
        form_data(place, ends_at=_local(now + timedelta(days=6, hours=23))),
    )
    assert "结束时间必须晚于开始时间" in " ".join(response.context["form"].errors["ends_at"])
    response = client.post(
        "/drills/sessions/new/", form_data(place, signup_deadline=_local(now + timedelta(days=8)))
    )
    assert "不能晚于开始时间" in " ".join(response.context["form"].errors["signup_deadline"])
    response = client.post(
        "/drills/sessions/new/", form_data(place, signup_deadline=_local(now - timedelta(days=1)))
    )
    assert "不能早于现在" in " ".join(response.context["form"].errors["signup_deadline"])


def test_a_lesson_that_is_not_practical_and_out_of_scope_choices_are_refused(place, as_user):
    client = as_user(place.unit_lead)
    response = client.post("/drills/sessions/new/", form_data(place, lesson=place.reading.pk))
    assert "lesson" in response.context["form"].errors
    response = client.post(
        "/drills/sessions/new/", form_data(place, organisation=place.other_unit.pk)
    )
    assert "organisation" in response.context["form"].errors
    outsider = form_data(place, instructors=[place.outsider.pk])
    response = client.post("/drills/sessions/new/", outsider)
    assert "instructors" in response.context["form"].errors


def test_a_learner_cannot_schedule(place, as_user):
    assert as_user(place.learner).get("/drills/sessions/new/").status_code == 404


def test_the_list_shows_sessions_in_scope_only(place, make_session, as_user):
    mine = make_session()
    theirs = make_session(organisation=place.other_unit, open_to=place.other_unit,
                          instructors=[place.other_town_lead])  # fmt: skip
    response = as_user(place.town_lead).get("/drills/")
    assert [s.pk for s in response.context["upcoming"]] == [mine.pk]
    assert as_user(place.town_lead).get(f"/drills/sessions/{theirs.pk}/").status_code == 404
    assert as_user(place.town_lead).get(f"/drills/sessions/{theirs.pk}/edit/").status_code == 404


def test_the_session_page_shows_the_roster_in_order(place, make_session, enrol, as_user):
    session = make_session(capacity=1)
    enrol(session, place.learner)
    enrol(session, place.third, state=State.WAITING, signed_up_at=timezone.now())
    enrol(session, place.second, state=State.WAITING, signed_up_at=timezone.now() - timedelta(1))
    enrol(session, place.neighbour_staff, state=State.CANCELLED, cancelled_at=timezone.now())
    response = as_user(place.unit_lead).get(f"/drills/sessions/{session.pk}/")
    roster = response.context["roster"]
    assert [e.user for e in roster["confirmed"]] == [place.learner]
    assert [e.user for e in roster["waiting"]] == [place.second, place.third]
    assert [e.user for e in roster["cancelled"]] == [place.neighbour_staff]
    # A learner sees the session, not its roster.
    learner_view = as_user(place.learner).get(f"/drills/sessions/{session.pk}/")
    assert "roster" not in learner_view.context


def test_editing_more_places_promotes_the_waiting_list(place, make_session, enrol, as_user):
    session = make_session(capacity=1)
    enrol(session, place.second)
    waiting = enrol(session, place.learner, state=State.WAITING)
    data = form_data(place, capacity="2")
    del data["lesson"], data["organisation"]
    data["starts_at"] = _local(session.starts_at)
    data["signup_deadline"] = _local(session.signup_deadline)
    data["ends_at"] = _local(session.ends_at)
    response = as_user(place.unit_lead).post(f"/drills/sessions/{session.pk}/edit/", data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    assert Notice.objects.filter(user=place.learner).exists()


def test_editing_fewer_places_than_the_roster_is_a_form_error(place, make_session, enrol, as_user):
    session = make_session(capacity=2)
    enrol(session, place.second)
    enrol(session, place.learner)
    data = form_data(place, capacity="1")
    data["starts_at"] = _local(session.starts_at)
    data["signup_deadline"] = _local(session.signup_deadline)
    data["ends_at"] = _local(session.ends_at)
    response = as_user(place.unit_lead).post(f"/drills/sessions/{session.pk}/edit/", data)
    assert response.status_code == 400
    assert "已有 2 人报名" in " ".join(response.context["form"].errors["capacity"])


def test_cancelling_a_session_notifies_everyone_on_it(place, make_session, enrol, as_user):
    session = make_session(capacity=1)
    enrol(session, place.second)
    enrol(session, place.learner, state=State.WAITING)
    enrol(session, place.third, state=State.CANCELLED)
    client = as_user(place.unit_lead)
    response = client.post(
        f"/drills/sessions/{session.pk}/cancel/", {"idempotency_key": new_key()}, follow=True
    )
    assert "已通知 2 人" in response.content.decode()
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert set(Notice.objects.values_list("user", flat=True)) == {place.second.pk, place.learner.pk}
    again = client.post(
        f"/drills/sessions/{session.pk}/cancel/", {"idempotency_key": new_key()}, follow=True
    )
    assert "本场次已经取消" in again.content.decode()


def test_a_learner_or_an_instructor_cannot_cancel_the_session(place, make_session, as_user):
    session = make_session()
    for person in (place.learner, place.instructor):
        response = as_user(person).post(
            f"/drills/sessions/{session.pk}/cancel/", {"idempotency_key": new_key()}
        )
        assert response.status_code == 404


def enrol_post(client, session, person):
    return client.post(
        f"/drills/sessions/{session.pk}/enrol/",
        {"person": person, "idempotency_key": new_key()},
    )


def test_a_coordinator_enrols_a_person_in_scope_with_an_audit_entry(place, make_session, as_user):
    session = make_session()
    response = enrol_post(as_user(place.unit_lead), session, place.learner.username)
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(session=session, user=place.learner)
    assert enrolment.state == State.CONFIRMED and enrolment.enrolled_by == place.unit_lead
    entry = AuditEntry.objects.get(action="firesafety.session.enrol")
    assert entry.subject == place.learner and entry.organisation == place.unit
    assert Notice.objects.filter(user=place.learner).exists()


def test_a_full_session_enrols_onto_the_waiting_list(place, make_session, enrol, as_user):
    session = make_session(capacity=1)
    enrol(session, place.second)
    response = enrol_post(as_user(place.unit_lead), session, place.learner.username)
    assert response.status_code == 302
    assert Enrolment.objects.get(user=place.learner).state == State.WAITING


def test_enrolling_someone_outside_the_session_s_open_to_is_a_form_error(
    place, make_session, as_user
):
    session = make_session()
    client = as_user(place.town_lead)
    # In the town coordinator's scope, but not a member of the unit the session is open to.
    for person in (place.neighbour_staff.username, place.outsider.username, "nobody", ""):
        response = enrol_post(client, session, person)
        assert response.status_code == 400
        assert response.context["enrol_form"].errors["person"]
    assert not Enrolment.objects.exists()


def test_enrolling_twice_is_a_form_error(place, make_session, enrol, as_user):
    session = make_session()
    enrol(session, place.learner)
    response = enrol_post(as_user(place.unit_lead), session, place.learner.username)
    assert response.status_code == 400
    assert "已在名单或候补名单上" in response.content.decode()


def test_the_session_list_reads_a_fixed_number_of_queries(
    place, make_session, enrol, as_user, django_assert_max_num_queries
):
    for day in range(5):
        session = make_session(starts_at=timezone.now() + timedelta(days=day + 1),
                               ends_at=timezone.now() + timedelta(days=day + 1, hours=1),
                               signup_deadline=timezone.now())  # fmt: skip
        enrol(session, place.learner)
    client = as_user(place.town_lead)
    client.get("/drills/")
    with django_assert_max_num_queries(8):
        assert len(client.get("/drills/").context["upcoming"]) == 5


def test_another_town_s_coordinator_cannot_enrol_or_change_a_session(place, make_session, as_user):
    session = make_session()
    client = as_user(place.other_town_lead)
    assert enrol_post(client, session, place.outsider.username).status_code == 404
    assert client.post(f"/drills/sessions/{session.pk}/edit/", {}).status_code == 404
    assert not Enrolment.objects.exists()


def test_a_past_member_of_the_unit_cannot_be_enrolled_nor_sign_up(place, make_session, as_user):
    """A membership that ended grants nothing: the person is no longer on the unit's roster."""
    session = make_session()
    former = UserFactory(name="示例离职员工")
    MembershipFactory(
        user=former,
        organisation=place.unit,
        role=Membership.Role.STAFF,
        ended_at=timezone.now() - timedelta(days=1),
    )
    response = enrol_post(as_user(place.unit_lead), session, former.username)
    assert response.status_code == 400
    assert response.context["enrol_form"].errors["person"]
    sign_up = as_user(former).post(
        f"/drills/sessions/{session.pk}/sign-up/", {"idempotency_key": new_key()}
    )
    assert sign_up.status_code == 404
    assert not Enrolment.objects.filter(user=former).exists()
