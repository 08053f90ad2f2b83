"""The day-before reminder (idempotent), yesterday's no-shows, the .ics file, My data."""

import io
from datetime import datetime, timedelta

import pytest
import time_machine

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Notice
from drills.ics import escape, fold
from drills.models import Enrolment

pytestmark = pytest.mark.django_db

State = Enrolment.State
SHANGHAI = timezone.get_fixed_timezone(8 * 60)
NOW = datetime(2026, 5, 19, 7, 0, tzinfo=SHANGHAI)


def run():
    out = io.StringIO()
    call_command("send_session_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def tomorrow(place, make_session):
    start = datetime(2026, 5, 20, 14, 0, tzinfo=SHANGHAI)
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        return make_session(starts_at=start, ends_at=start + timedelta(hours=2),
                            signup_deadline=start)  # fmt: skip


def test_the_reminder_goes_once_to_the_confirmed_the_day_before(
    place, tomorrow, make_session, enrol, django_capture_on_commit_callbacks
):
    enrol(tomorrow, place.learner)
    enrol(tomorrow, place.second, state=State.WAITING)
    enrol(tomorrow, place.third, state=State.CANCELLED)
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        later = make_session()  # in three days: not yet
    enrol(later, place.third)
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert run().startswith("1 reminder(s) sent")
        assert run().startswith("0 reminder(s) sent")
    notice = Notice.objects.get()
    assert notice.user == place.learner and "明天" in notice.title and "14:00" in notice.body
    assert [message.to for message in mail.outbox] == [["staff@example.com"]]


def test_a_cancelled_session_gets_no_reminder(place, tomorrow, enrol):
    enrol(tomorrow, place.learner)
    tomorrow.cancelled_at = NOW
    tomorrow.save()
    with time_machine.travel(NOW, tick=False):
        assert run().startswith("0 reminder(s)")


def test_the_command_records_no_shows_of_sessions_that_ended_before_today(place, tomorrow, enrol):
    came = enrol(tomorrow, place.learner, attendance="present")
    missed = enrol(tomorrow, place.second)
    with time_machine.travel(NOW + timedelta(days=1, hours=12), tick=False):
        assert "0 no-show(s)" in run()  # the session ends today: not yet
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert "1 no-show(s)" in run()
        assert "0 no-show(s)" in run()
    missed.refresh_from_db()
    came.refresh_from_db()
    assert missed.attendance == "no_show" and came.attendance == "present"


def test_the_calendar_file_follows_rfc_5545(place, make_session, enrol, as_user):
    session = make_session(place="广场北侧, 消防车道; 旁\\空地\n西侧", note="带上手机")
    enrol(session, place.learner)
    response = as_user(place.learner).get(f"/drills/sessions/{session.pk}/session.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    unfolded = text.replace("\r\n ", "")
    assert f"UID:training-session-{session.pk}@" in unfolded
    assert "LOCATION:广场北侧\\, 消防车道\\; 旁\\\\空地\\n西侧" in unfolded
    start = session.starts_at.astimezone(timezone.get_fixed_timezone(0))
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in unfolded
    assert "DTSTAMP:" in unfolded and "DTEND:" in unfolded and "SUMMARY:现场实操" in unfolded
    assert f"URL:http://testserver/drills/sessions/{session.pk}/" in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + escape("消防" * 60)
    folded = fold(line)
    pieces = folded.split("\r\n ")
    assert len(pieces) > 1
    assert all(len(piece.encode()) <= 75 for piece in pieces[:1])
    assert all(len(piece.encode()) <= 74 for piece in pieces[1:])
    assert "".join(pieces) == line


def test_my_data_lists_the_person_s_places(place, make_session, enrol, as_user):
    session = make_session()
    enrol(session, place.learner, attendance="late")
    page = as_user(place.learner).get("/account/").content.decode()
    assert "实操培训场次" in page and session.place in page and "迟到" in page
