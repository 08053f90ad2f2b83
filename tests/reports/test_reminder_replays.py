"""Sending reminders carries the list form's key: a replay sends no second batch."""

import threading

import pytest
import time_machine

from django.db import connections

from accounts.models import Notice
from idempotency.models import IdempotencyKey
from organisations.models import AuditEntry
from reports.models import Reminder
from tests.idempotency.forms import flashed, form_key
from tests.reports.conftest import NOW

URL = "/reports/reminders/"


def reminder_form(client, district):
    query = f"?requirement={district['requirement'].pk}&organisation={district['town_a'].pk}"
    page = client.get(URL + query).content.decode()
    return URL + query, {"everyone": "1", "confirmed": "1", "idempotency_key": form_key(page)}


@pytest.mark.django_db
def test_replaying_a_reminder_send_sends_one_batch_and_shows_the_same_counts(
    client, small_district, coordinator_of
):
    client.force_login(coordinator_of(small_district["town_a"]))
    with time_machine.travel(NOW, tick=False):
        url, data = reminder_form(client, small_district)
        first = client.post(url, data, follow=True)
        replay = client.post(url, data, follow=True)
    assert first.redirect_chain == replay.redirect_chain
    assert first.redirect_chain[0][1] == 302
    sent = ["已提醒 2 人；0 人在 24 小时内已提醒过，本次跳过。"]
    assert flashed(first) == flashed(replay) == sent
    assert Reminder.objects.count() == Notice.objects.count() == 2
    assert AuditEntry.objects.filter(action="firesafety.reminder.send").count() == 1


@pytest.mark.django_db
def test_without_a_key_a_second_send_reminds_nobody_again(client, small_district, coordinator_of):
    client.force_login(coordinator_of(small_district["town_a"]))
    with time_machine.travel(NOW, tick=False):
        url, data = reminder_form(client, small_district)
        del data["idempotency_key"]
        client.post(url, data, follow=True)
        second = client.post(url, data, follow=True)
    assert flashed(second) == ["已提醒 0 人；2 人在 24 小时内已提醒过，本次跳过。"]
    assert Reminder.objects.count() == 2


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="needs PostgreSQL row locks"
)
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_sent_at_once_sends_one_batch(small_district, coordinator_of):
    from django.test import Client

    browser = Client()
    browser.force_login(coordinator_of(small_district["town_a"]))
    barrier = threading.Barrier(2)
    answers = []

    def tap(url, data):
        tab = Client()
        tab.cookies = browser.cookies
        try:
            barrier.wait(timeout=30)
            answers.append(tab.post(url, data))
        finally:
            connections.close_all()

    # time_machine moves the clock of every thread.
    with time_machine.travel(NOW, tick=False):
        form = reminder_form(browser, small_district)
        taps = [threading.Thread(target=tap, args=form) for _ in range(2)]
        for thread in taps:
            thread.start()
        for thread in taps:
            thread.join()
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert Reminder.objects.count() == 2
    assert AuditEntry.objects.filter(action="firesafety.reminder.send").count() == 1
    assert IdempotencyKey.objects.count() == 1
