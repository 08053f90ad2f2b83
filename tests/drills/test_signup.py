"""Learners see the sessions of practical lessons they need in 我的学习, sign up, wait, cancel."""

from datetime import timedelta

import pytest

from django.core import mail
from django.utils import timezone

from accounts.models import Notice
from courses import services as course_services
from courses.models import LessonAssignment, TrainingRequirement
from drills.models import Enrolment
from idempotency.submits import new_key

pytestmark = pytest.mark.django_db

State = Enrolment.State


def post(client, url, **data):
    return client.post(url, {"idempotency_key": new_key(), **data}, follow=True)


def sign_up(client, session, **data):
    return post(client, f"/drills/sessions/{session.pk}/sign-up/", **data)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_a_learner_enrolled_in_the_course_sees_the_session_in_my_learning(
    place, make_session, as_user
):
    session = make_session()
    course_services.complete_lesson(place.learner, place.reading)
    page = as_user(place.learner).get("/learn/").content.decode()
    assert "实操培训场次" in page
    assert place.lesson.title in page and session.place in page
    assert f"/drills/sessions/{session.pk}/sign-up/" in page


def test_a_requirement_or_an_assignment_makes_a_person_need_the_lesson(
    place, make_session, as_user
):
    make_session()
    client = as_user(place.second)
    assert client.get("/learn/").context["learning_panels"] == []
    TrainingRequirement.objects.create(
        course=place.course, organisation=place.town, roles=["staff"], due_date="2027-06-30"
    )
    assert client.get("/learn/").context["learning_panels"][0]["sessions"]
    requirement_free = as_user(place.third)
    assert requirement_free.get("/learn/").context["learning_panels"] == []
    LessonAssignment.objects.create(
        user=place.third,
        lesson=place.lesson,
        organisation=place.unit,
        assigned_by=place.unit_lead,
        reason="巡查发现灭火器使用不熟练",
        due_date=timezone.localdate() + timedelta(days=10),
    )
    assert requirement_free.get("/learn/").context["learning_panels"][0]["sessions"]


def test_my_learning_hides_sessions_of_a_completed_lesson_of_another_town_and_cancelled(
    place, make_session, as_user
):
    course_services.complete_lesson(place.learner, place.reading)
    make_session(organisation=place.other_unit, open_to=place.other_unit)
    make_session(cancelled_at=timezone.now())
    make_session(starts_at=timezone.now() - timedelta(hours=1), signup_deadline=timezone.now()
                 - timedelta(hours=2), ends_at=timezone.now() + timedelta(hours=1))  # fmt: skip
    client = as_user(place.learner)
    assert client.get("/learn/").context["learning_panels"] == []
    shown = make_session()
    assert [s.pk for s in client.get("/learn/").context["learning_panels"][0]["sessions"]] == [
        shown.pk
    ]
    course_services.complete_lesson(place.learner, place.lesson)
    assert client.get("/learn/").context["learning_panels"] == []


def test_a_session_open_to_the_town_is_seen_by_a_neighbouring_unit(place, make_session, as_user):
    make_session(open_to=place.town)
    course_services.complete_lesson(place.neighbour_staff, place.reading)
    assert as_user(place.neighbour_staff).get("/learn/").context["learning_panels"]


def test_my_learning_costs_no_query_more_without_practical_lessons_and_one_with(
    place, make_session, as_user, django_assert_max_num_queries, django_assert_num_queries
):
    make_session()
    client = as_user(place.second)
    client.get("/learn/")
    with django_assert_num_queries(len(_queries(client))):
        client.get("/learn/")
    baseline = len(_queries(client))
    course_services.complete_lesson(place.second, place.reading)
    client.get("/learn/")
    with django_assert_max_num_queries(baseline + 1):
        response = client.get("/learn/")
    assert response.context["learning_panels"]


def _queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/learn/")
    return captured.captured_queries


def test_signing_up_puts_the_learner_on_the_roster(place, make_session, as_user):
    session = make_session()
    response = sign_up(as_user(place.learner), session, next="learn")
    assert response.request["PATH_INFO"] == "/learn/"
    assert "您已报名" in " ".join(messages_of(response))
    assert Enrolment.objects.get(session=session, user=place.learner).state == State.CONFIRMED


def test_a_full_session_puts_the_learner_on_the_waiting_list_and_says_the_position(
    place, make_session, enrol, as_user
):
    session = make_session(capacity=1)
    enrol(session, place.second)
    enrol(session, place.third, state=State.WAITING)
    response = sign_up(as_user(place.learner), session)
    assert "候补名单第 2 位" in " ".join(messages_of(response))
    assert Enrolment.objects.get(session=session, user=place.learner).state == State.WAITING
    assert session.enrolments.filter(state=State.CONFIRMED).count() == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"cancelled_at": "now"}, "已取消"),
        ({"signup_deadline": -1}, "报名已于"),
        ({"starts_at": -1}, "已经开始或已结束"),
    ],
)
def test_signing_up_late_or_to_a_cancelled_or_past_session_is_refused_clearly(
    place, make_session, as_user, change, expected
):
    now = timezone.now()
    fields = {}
    if "cancelled_at" in change:
        fields["cancelled_at"] = now
    if "signup_deadline" in change:
        fields["signup_deadline"] = now - timedelta(hours=1)
    if "starts_at" in change:
        fields |= {
            "starts_at": now - timedelta(hours=3),
            "ends_at": now - timedelta(hours=1),
            "signup_deadline": now - timedelta(days=1),
        }
    session = make_session(**fields)
    response = sign_up(as_user(place.learner), session)
    assert response.status_code == 200
    assert expected in " ".join(messages_of(response))
    assert not Enrolment.objects.filter(session=session).exists()


def test_signing_up_twice_says_so_and_keeps_one_place(place, make_session, as_user):
    session = make_session()
    client = as_user(place.learner)
    sign_up(client, session)
    response = sign_up(client, session)
    assert "您已在本场次的名单上" in " ".join(messages_of(response))
    assert session.enrolments.count() == 1


def test_a_session_of_another_town_is_not_found(place, make_session, as_user):
    session = make_session(organisation=place.other_unit, open_to=place.other_unit)
    client = as_user(place.learner)
    assert client.get(f"/drills/sessions/{session.pk}/").status_code == 404
    assert sign_up(client, session).status_code == 404
    assert client.get(f"/drills/sessions/{session.pk}/session.ics").status_code == 404


def test_cancelling_a_place_promotes_the_first_waiting_person_with_a_notice_and_mail(
    place, make_session, enrol, as_user, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    enrol(session, place.second)
    first = enrol(session, place.learner, state=State.WAITING)
    enrol(session, place.third, state=State.WAITING, signed_up_at=timezone.now() + timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_user(place.second), f"/drills/sessions/{session.pk}/cancel-place/")
    assert "已取消" in " ".join(messages_of(response))
    first.refresh_from_db()
    assert first.state == State.CONFIRMED and first.promoted_at is not None
    assert Enrolment.objects.get(session=session, user=place.third).state == State.WAITING
    notice = Notice.objects.get(user=place.learner)
    assert "您有名额了" in notice.title and notice.link == f"/drills/sessions/{session.pk}/"
    assert [message.to for message in mail.outbox] == [["staff@example.com"]]


def test_cancelling_a_waiting_place_promotes_nobody(place, make_session, enrol, as_user):
    session = make_session(capacity=1)
    enrol(session, place.second)
    enrol(session, place.learner, state=State.WAITING)
    enrol(session, place.third, state=State.WAITING)
    post(as_user(place.learner), f"/drills/sessions/{session.pk}/cancel-place/")
    assert Enrolment.objects.get(session=session, user=place.third).state == State.WAITING
    assert not Notice.objects.exists()


def test_cancelling_without_a_place_says_so(place, make_session, as_user):
    session = make_session()
    response = post(as_user(place.learner), f"/drills/sessions/{session.pk}/cancel-place/")
    assert "您没有报名" in " ".join(messages_of(response))


def test_a_cancelled_place_can_be_taken_again(place, make_session, enrol, as_user):
    session = make_session()
    enrol(session, place.learner, state=State.CANCELLED, cancelled_at=timezone.now())
    sign_up(as_user(place.learner), session)
    assert Enrolment.objects.get(session=session, user=place.learner).state == State.CONFIRMED


def test_the_learner_s_sessions_page_lists_offers_and_places(
    place, make_session, enrol, as_user, django_assert_max_num_queries
):
    course_services.complete_lesson(place.learner, place.reading)
    offered = make_session()
    taken = make_session(starts_at=timezone.now() + timedelta(days=5),
                         ends_at=timezone.now() + timedelta(days=5, hours=1))  # fmt: skip
    enrol(taken, place.learner)
    client = as_user(place.learner)
    client.get("/drills/sessions/")
    with django_assert_max_num_queries(14):
        response = client.get("/drills/sessions/")
    assert {s.pk for s in response.context["sessions"]} == {offered.pk, taken.pk}
    assert [p.session_id for p in response.context["places"]] == [taken.pk]
    assert "我的实操培训" in response.content.decode()
