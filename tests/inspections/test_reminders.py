"""Reminders to a hazard's responsible person: before the deadline and on the first overdue day,
each sent once however often the daily command runs."""

import io
from datetime import date, timedelta

import pytest

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from inspections import reminders
from inspections.models import Hazard, HazardReminder
from organisations.models import AuditEntry

from .helpers import failed_round
from .test_hazards import rectify

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazard(place, as_user, time_machine):
    """A hazard found on Monday 2 March 2026, to be fixed by the staff member by 9 March."""
    place.staff.email = "staff@example.com"
    place.staff.save()
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)
    failed_round(as_user(place.manager), place)
    hazard = Hazard.objects.get()
    assert hazard.deadline == date(2026, 3, 9)
    return hazard


def run_on(time_machine, day, capture, hour="08:00"):
    """The daily command at 08:00 (Shanghai) of day; the mails leave once the work commits."""
    time_machine.move_to(f"{day} {hour} +0800", tick=False)
    with capture(execute=True):
        call_command("send_hazard_reminders", stdout=io.StringIO())


def test_reminders_before_the_deadline_and_on_the_first_overdue_day(
    place, hazard, time_machine, django_capture_on_commit_callbacks
):
    sent_on = {}
    for offset in range(1, 12):
        day = date(2026, 3, 2) + timedelta(days=offset)
        before = Notice.objects.filter(user=place.staff).count()
        run_on(time_machine, day, django_capture_on_commit_callbacks)
        if Notice.objects.filter(user=place.staff).count() > before:
            sent_on[day] = Notice.objects.filter(user=place.staff).first()
    # Two days before the deadline (HAZARD_REMINDER_DAYS_BEFORE), and the day after it.
    assert list(sent_on) == [date(2026, 3, 7), date(2026, 3, 10)]
    soon, overdue = sent_on.values()
    assert "2026-03-09" in soon.title and "消防车通道是否被占用" in soon.title
    assert "逾期" in overdue.title and "2026-03-09" in overdue.body
    assert soon.link == overdue.link == reverse("inspections:hazard", args=[hazard.pk])
    assert [message.to for message in mail.outbox] == [["staff@example.com"]] * 2
    assert mail.outbox[0].subject == soon.title
    assert soon.link in mail.outbox[0].body
    kinds = list(HazardReminder.objects.order_by("sent_at").values_list("kind", "deadline"))
    assert kinds == [("due_soon", date(2026, 3, 9)), ("overdue", date(2026, 3, 9))]
    # Nobody else is reminded.
    assert not Notice.objects.exclude(user=place.staff).exists()


def test_running_twice_a_day_sends_nothing_new(
    place, hazard, time_machine, django_capture_on_commit_callbacks
):
    run_on(time_machine, "2026-03-07", django_capture_on_commit_callbacks)
    run_on(time_machine, "2026-03-07", django_capture_on_commit_callbacks, hour="20:00")
    assert Notice.objects.filter(user=place.staff).count() == 1
    assert HazardReminder.objects.count() == 1 and len(mail.outbox) == 1
    entry = AuditEntry.objects.get(action="firesafety.hazard.remind")
    assert entry.user is None and entry.subject == place.staff
    assert entry.organisation == place.unit and entry.object_id == str(hazard.pk)
    assert entry.data == {"kind": "due_soon", "deadline": "2026-03-09"}


def test_a_missed_day_is_caught_up_once(
    place, hazard, time_machine, django_capture_on_commit_callbacks
):
    # The timer did not run from 6 to 11 March: one reminder of each kind due, not two.
    run_on(time_machine, "2026-03-12", django_capture_on_commit_callbacks)
    assert list(HazardReminder.objects.values_list("kind", flat=True)) == ["overdue"]
    run_on(time_machine, "2026-03-13", django_capture_on_commit_callbacks)
    assert HazardReminder.objects.count() == 1


def test_a_deadline_moved_later_earns_new_reminders(
    place, hazard, as_user, time_machine, django_capture_on_commit_callbacks
):
    run_on(time_machine, "2026-03-07", django_capture_on_commit_callbacks)
    url = reverse("inspections:hazard_change", args=[hazard.pk])
    data = {"severity": "ordinary", "responsible": place.staff.pk, "deadline": "2026-03-20"}
    assert as_user(place.manager).post(url, data).status_code == 302
    for day in ("2026-03-10", "2026-03-17", "2026-03-18", "2026-03-21"):
        run_on(time_machine, day, django_capture_on_commit_callbacks)
    kinds = list(HazardReminder.objects.order_by("sent_at").values_list("kind", "deadline"))
    assert kinds == [
        ("due_soon", date(2026, 3, 9)),
        ("due_soon", date(2026, 3, 20)),
        ("overdue", date(2026, 3, 20)),
    ]


def test_a_new_responsible_person_is_reminded_not_the_old(
    place, hazard, as_user, time_machine, django_capture_on_commit_callbacks
):
    url = reverse("inspections:hazard_change", args=[hazard.pk])
    data = {"severity": "ordinary", "responsible": place.responsible.pk, "deadline": "2026-03-09"}
    assert as_user(place.manager).post(url, data).status_code == 302
    run_on(time_machine, "2026-03-07", django_capture_on_commit_callbacks)
    assert Notice.objects.filter(user=place.responsible).count() == 1
    assert not Notice.objects.filter(user=place.staff).exists()
    # No address: the message in 我的消息 only.
    assert not mail.outbox
    assert HazardReminder.objects.get().emailed is False


def test_a_rectified_hazard_is_not_reminded(
    place, hazard, as_user, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-03-05 10:00 +0800", tick=False)
    assert rectify(as_user(place.staff), hazard).status_code == 302
    for day in ("2026-03-07", "2026-03-10"):
        run_on(time_machine, day, django_capture_on_commit_callbacks)
    assert not HazardReminder.objects.exists() and not mail.outbox


def test_the_days_before_the_deadline_are_a_setting(
    place, hazard, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.HAZARD_REMINDER_DAYS_BEFORE = 5
    run_on(time_machine, "2026-03-03", django_capture_on_commit_callbacks)
    assert not HazardReminder.objects.exists()
    run_on(time_machine, "2026-03-04", django_capture_on_commit_callbacks)
    assert HazardReminder.objects.get().kind == "due_soon"


def test_the_command_says_what_it_sent(hazard, time_machine, capsys):
    time_machine.move_to("2026-03-10 08:00 +0800", tick=False)
    call_command("send_hazard_reminders")
    out = capsys.readouterr().out
    assert "0 reminder(s) of a near deadline, 1 of an overdue hazard sent." in out


def test_two_runs_at_once_send_one_reminder(
    place, hazard, time_machine, django_capture_on_commit_callbacks
):
    # The second run read the hazards before the first wrote its reminder: the unique
    # constraint stops it, and it sends nothing.
    run_on(time_machine, "2026-03-07", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders._remind(hazard, HazardReminder.Kind.DUE_SOON, timezone.now()) is False
    assert Notice.objects.filter(user=place.staff).count() == 1 and len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="firesafety.hazard.remind").count() == 1
