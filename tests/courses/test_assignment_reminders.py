"""Reminders of 针对性培训 (issue 15 §4): the person is reminded before the due date and once
it is overdue, each sent once however often the daily command runs; done lessons are not."""

import io
from datetime import date, timedelta

import pytest

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Notice
from courses import assignment_reminders, services
from courses.models import LessonAssignment
from organisations.models import AuditEntry

from .test_lesson_assignments import REASON, give

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(district, responsible, manager, lesson, march):
    """Given on Monday 2 March 2026, due on Friday 20 March."""
    responsible.email = "zhang@example.com"
    responsible.save()
    [assignment] = give(manager, [responsible], lesson, district["unit"])
    return assignment


def run_on(time_machine, day, capture, hour="08:00"):
    """The daily command at 08:00 (Shanghai) of day; the mails leave once the work commits."""
    time_machine.move_to(f"{day} {hour} +0800", tick=False)
    with capture(execute=True):
        call_command("send_assignment_reminders", stdout=io.StringIO())


def test_reminders_before_the_due_date_and_once_overdue(
    responsible, lesson, assignment, time_machine, django_capture_on_commit_callbacks
):
    sent_on = {}
    for offset in range(1, 25):
        day = date(2026, 3, 2) + timedelta(days=offset)
        before = Notice.objects.filter(user=responsible).count()
        run_on(time_machine, day, django_capture_on_commit_callbacks)
        if Notice.objects.filter(user=responsible).count() > before:
            sent_on[day] = Notice.objects.filter(user=responsible).first()
    # Two days before (ASSIGNMENT_REMINDER_DAYS_BEFORE), and the first day it is overdue.
    assert list(sent_on) == [date(2026, 3, 18), date(2026, 3, 21)]
    soon, overdue = sent_on.values()
    assert "2026-03-20" in soon.title and lesson.title in soon.title and REASON in soon.body
    assert "逾期" in overdue.title and "2026-03-20" in overdue.body
    assert soon.link == overdue.link == lesson.url
    assert [message.to for message in mail.outbox] == [["zhang@example.com"]] * 2
    assert mail.outbox[0].subject == soon.title and lesson.url in mail.outbox[0].body
    entries = AuditEntry.objects.filter(action="firesafety.refresher.remind").order_by("pk")
    assert [entry.data["kind"] for entry in entries] == ["due_soon", "overdue"]
    assert all(entry.user is None and entry.subject == responsible for entry in entries)
    assert not Notice.objects.exclude(user=responsible).exists()


def test_running_twice_a_day_or_two_runs_at_once_send_one(
    responsible, assignment, time_machine, django_capture_on_commit_callbacks
):
    run_on(time_machine, "2026-03-18", django_capture_on_commit_callbacks)
    run_on(time_machine, "2026-03-18", django_capture_on_commit_callbacks, hour="20:00")
    # A run that read the assignment before the first one stamped it claims nothing.
    with django_capture_on_commit_callbacks(execute=True):
        sent = assignment_reminders._remind(assignment, "due_soon", timezone.now())
    assert sent is False
    assert Notice.objects.filter(user=responsible).count() == 1 and len(mail.outbox) == 1


def test_a_missed_week_is_caught_up_with_the_overdue_reminder_only(
    responsible, assignment, time_machine, django_capture_on_commit_callbacks
):
    run_on(time_machine, "2026-03-25", django_capture_on_commit_callbacks)
    [notice] = Notice.objects.filter(user=responsible)
    assert "逾期" in notice.title
    assignment.refresh_from_db()
    assert assignment.due_soon_reminded_at is None and assignment.overdue_reminded_at is not None


def test_a_completed_lesson_or_an_inactive_person_is_not_reminded(
    district, responsible, manager, lesson, assignment, time_machine,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    services.complete_lesson(responsible, lesson)
    run_on(time_machine, "2026-03-21", django_capture_on_commit_callbacks)
    assert not Notice.objects.exists()
    manager.is_active = False
    manager.save()
    give(manager, [manager], lesson, district["unit"], due=date(2026, 3, 21))
    run_on(time_machine, "2026-03-22", django_capture_on_commit_callbacks)
    assert not Notice.objects.exists() and not mail.outbox
    assert LessonAssignment.objects.filter(overdue_reminded_at__isnull=False).count() == 0


def test_the_days_before_are_a_setting_and_the_command_says_what_it_sent(
    assignment, settings, time_machine, capsys
):
    settings.ASSIGNMENT_REMINDER_DAYS_BEFORE = 5
    time_machine.move_to("2026-03-15 08:00 +0800", tick=False)
    call_command("send_assignment_reminders")
    out = capsys.readouterr().out
    assert "1 reminder(s) of a near due date, 0 of an overdue lesson sent." in out
