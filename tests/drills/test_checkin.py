"""Check-in at the venue: the rotating QR code (time-machine), the scan, the roster's actions."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from django.utils import timezone

from drills.models import Enrolment
from idempotency.submits import new_key
from organisations.models import AuditEntry

pytestmark = pytest.mark.django_db

State = Enrolment.State
START = datetime(2026, 5, 20, 14, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture
def today(place, make_session):
    """A session today at 14:00-16:00 (Shanghai), scheduled the week before."""
    with time_machine.travel(START - timedelta(days=7), tick=False):
        return make_session(
            starts_at=START, ends_at=START + timedelta(hours=2), signup_deadline=START
        )


def code_url(client, session):
    page = client.get(f"/drills/sessions/{session.pk}/checkin/").content.decode()
    return re.search(r'data-testid="checkin-url">https?://[^/]+(/[^<]+)<', page).group(1)


def test_the_code_changes_every_minute_and_the_previous_one_still_works(
    place, today, enrol, as_user, client
):
    enrol(today, place.learner)
    with time_machine.travel(START - timedelta(minutes=5, seconds=30), tick=False) as clock:
        url = code_url(as_user(place.instructor), today)
        assert code_url(client, today) == url  # the same window, the same code
        clock.shift(60)
        newer = code_url(client, today)
        assert newer != url
        clock.shift(60)
        client.force_login(place.learner)
        expired = client.get(url)
        assert expired.status_code == 400
        assert "签到码已过期" in expired.content.decode()
        client.force_login(place.learner)
        response = client.get(newer)  # the previous window's code
    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    enrolment = Enrolment.objects.get(session=today, user=place.learner)
    assert enrolment.attendance == "present" and enrolment.checked_in_by is None
    assert enrolment.checked_in_at == START - timedelta(minutes=3, seconds=30)


def test_a_scan_after_ten_minutes_counts_as_late(place, today, enrol, as_user):
    enrol(today, place.learner)
    with time_machine.travel(START + timedelta(minutes=11), tick=False):
        url = code_url(as_user(place.instructor), today)
        as_user(place.learner).get(url)
    assert Enrolment.objects.get(user=place.learner).attendance == "late"


def test_scanning_twice_says_checked_in_already(place, today, enrol, as_user):
    enrol(today, place.learner)
    with time_machine.travel(START, tick=False):
        url = code_url(as_user(place.instructor), today)
        client = as_user(place.learner)
        client.get(url)
        assert "您已经签到过了" in client.get(url).content.decode()


def test_the_code_page_and_its_script_answer_the_current_code(place, today, as_user):
    client = as_user(place.instructor)
    with time_machine.travel(START + timedelta(seconds=15), tick=False):
        page = client.get(f"/drills/sessions/{today.pk}/checkin/").content.decode()
        code = client.get(f"/drills/sessions/{today.pk}/checkin/code/").json()
    assert '<meta http-equiv="refresh" content="45">' in page
    assert code["refresh_in"] == 45 and "<svg" in code["svg"]
    assert code["url"].split("/check-in/")[1] in page


@pytest.mark.parametrize("who", ["learner", "outsider", "second"])
def test_only_instructors_and_coordinators_see_the_code_and_the_roster_actions(
    place, today, enrol, as_user, who
):
    enrolment = enrol(today, place.learner)
    client = as_user(getattr(place, who))
    assert client.get(f"/drills/sessions/{today.pk}/checkin/").status_code == 404
    assert client.get(f"/drills/sessions/{today.pk}/checkin/code/").status_code == 404
    mark = client.post(
        f"/drills/sessions/{today.pk}/roster/{enrolment.pk}/",
        {"attendance": "present", "idempotency_key": new_key()},
    )
    assert mark.status_code == 404
    close = client.post(
        f"/drills/sessions/{today.pk}/roster/close/", {"idempotency_key": new_key()}
    )
    assert close.status_code == 404


def test_a_coordinator_of_another_town_gets_404(place, today, as_user):
    client = as_user(place.other_town_lead)
    assert client.get(f"/drills/sessions/{today.pk}/checkin/").status_code == 404
    assert as_user(place.town_lead).get(f"/drills/sessions/{today.pk}/checkin/").status_code == 200


def test_a_session_of_another_day_is_refused(place, make_session, enrol, as_user):
    session = make_session()  # in three days
    enrol(session, place.learner)
    url = code_url(as_user(place.instructor), session)
    response = as_user(place.learner).get(url)
    assert response.status_code == 400
    assert "这是另一天" in response.content.decode()


def test_someone_not_signed_up_is_told_to_ask_the_instructor_who_can_accept_them(
    place, today, as_user
):
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        url = code_url(as_user(place.instructor), today)
        response = as_user(place.second).get(url)
        assert response.status_code == 400
        assert "请联系教员" in response.content.decode()
        accepted = as_user(place.instructor).post(
            f"/drills/sessions/{today.pk}/roster/accept/",
            {"accept-person": place.second.username, "idempotency_key": new_key()},
        )
    assert accepted.status_code == 302
    enrolment = Enrolment.objects.get(session=today, user=place.second)
    assert enrolment.state == State.CONFIRMED and enrolment.attendance == "present"
    assert enrolment.checked_in_by == place.instructor


def test_the_instructor_cannot_accept_someone_outside_the_session_s_open_to(place, today, as_user):
    with time_machine.travel(START, tick=False):
        response = as_user(place.instructor).post(
            f"/drills/sessions/{today.pk}/roster/accept/",
            {"accept-person": place.outsider.username, "idempotency_key": new_key()},
        )
    assert response.status_code == 400
    assert not Enrolment.objects.exists()


def test_a_cancelled_place_is_refused_at_the_scan(place, today, enrol, as_user):
    enrol(today, place.learner, state=State.CANCELLED, cancelled_at=START - timedelta(days=1))
    with time_machine.travel(START, tick=False):
        url = code_url(as_user(place.instructor), today)
        response = as_user(place.learner).get(url)
    assert "您已取消本场次的报名" in response.content.decode()


def test_a_scan_signs_in_first(place, today, enrol, as_user, client):
    enrol(today, place.learner)
    with time_machine.travel(START, tick=False):
        url = code_url(as_user(place.instructor), today)
        client.logout()
        response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_malformed_token_is_an_expired_code_not_a_500(place, today, enrol, as_user):
    enrol(today, place.learner)
    response = as_user(place.learner).get(f"/drills/sessions/{today.pk}/check-in/abc/")
    assert response.status_code == 400


def test_the_instructor_checks_people_in_from_the_roster_and_marks_late(
    place, today, enrol, as_user
):
    pupil = enrol(today, place.learner)
    client = as_user(place.instructor)
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        client.post(
            f"/drills/sessions/{today.pk}/roster/{pupil.pk}/",
            {"attendance": "late", "idempotency_key": new_key()},
        )
        bad = client.post(
            f"/drills/sessions/{today.pk}/roster/{pupil.pk}/",
            {"attendance": "asleep", "idempotency_key": new_key()},
            follow=True,
        )
        assert "请选择到场、迟到或缺席" in bad.content.decode()
        early_no_show = client.post(
            f"/drills/sessions/{today.pk}/roster/{pupil.pk}/",
            {"attendance": "no_show", "idempotency_key": new_key()},
            follow=True,
        )
        assert "场次结束后才能登记缺席" in early_no_show.content.decode()
    pupil.refresh_from_db()
    assert pupil.attendance == "late" and pupil.checked_in_by == place.instructor
    assert AuditEntry.objects.filter(action="firesafety.session.attendance").count() == 1


def test_closing_the_roster_records_no_shows_after_the_end_only(place, today, enrol, as_user):
    came = enrol(today, place.learner, attendance="present", checked_in_at=START)
    missed = enrol(today, place.second)
    client = as_user(place.instructor)
    url = f"/drills/sessions/{today.pk}/roster/close/"
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        early = client.post(url, {"idempotency_key": new_key()}, follow=True)
        assert "场次结束后才能关闭名单" in early.content.decode()
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        response = client.post(url, {"idempotency_key": new_key()}, follow=True)
        assert "登记缺席 1 人" in response.content.decode()
        assert "roster" in response.context and "名单已于" in response.content.decode()
    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.attendance == "present" and missed.attendance == "no_show"
    today.refresh_from_db()
    assert today.roster_closed_at is not None


def test_the_roster_page_reads_a_fixed_number_of_queries(
    place, today, enrol, as_user, django_assert_max_num_queries
):
    for person in (place.learner, place.second, place.third):
        enrol(today, person)
    client = as_user(place.instructor)
    client.get(f"/drills/sessions/{today.pk}/")
    with django_assert_max_num_queries(16):
        assert client.get(f"/drills/sessions/{today.pk}/").status_code == 200
