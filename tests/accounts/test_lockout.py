"""Lockout per login name (5 in 15 minutes) and per address (50 in 15 minutes), in the database."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, UserFactory

LOGIN_URL = reverse("accounts:login")
SCHOOL_ADDRESS = "10.20.30.40"


def sign_in(client, username, password, address=SCHOOL_ADDRESS):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_five_wrong_passwords_for_one_account_lock_it_from_any_address():
    pupil = UserFactory()
    client = Client()
    for attempt in range(4):
        assert sign_in(client, pupil.username, f"wrong-{attempt}").status_code == 200
    assert sign_in(client, pupil.username, "wrong-5").status_code == 429
    assert sign_in(Client(), pupil.username, TEST_PASSWORD, "10.99.0.1").status_code == 429
    # The count is in the database, not in a cache that a restart or another worker loses.
    assert AccessAttempt.objects.filter(username=pupil.username).exists()


@pytest.mark.django_db
def test_pupils_mistyping_once_each_from_one_address_do_not_lock_the_next_pupil():
    pupils = UserFactory.create_batch(6)
    for pupil in pupils[:5]:
        assert sign_in(Client(), pupil.username, "typo").status_code == 200
    response = sign_in(Client(), pupils[5].username, TEST_PASSWORD)
    assert response.status_code == 302
    # And a pupil who mistyped signs in with the right password at the next try.
    assert sign_in(Client(), pupils[0].username, TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_fifty_failures_across_accounts_from_one_address_lock_that_address():
    people = UserFactory.create_batch(26)
    client = Client()
    for index in range(50):
        person = people[index % 25]
        sign_in(client, person.username, f"guess-{index}")
    assert AccessFailureLog.objects.filter(ip_address=SCHOOL_ADDRESS).count() == 50
    locked = sign_in(Client(), people[25].username, TEST_PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # Only that address: the same person elsewhere is not locked.
    assert sign_in(Client(), people[25].username, TEST_PASSWORD, "10.99.0.2").status_code == 302


@pytest.mark.django_db
def test_the_fiftieth_failure_itself_answers_with_the_lockout():
    people = UserFactory.create_batch(13)
    client = Client()
    responses = [sign_in(client, people[i % 13].username, "guess").status_code for i in range(50)]
    assert 429 not in responses[:49]
    assert responses[49] == 429


@pytest.mark.django_db
def test_address_lock_ends_after_fifteen_minutes():
    people = UserFactory.create_batch(26)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for index in range(50):
            sign_in(client, people[index % 25].username, "guess")
        assert sign_in(Client(), people[25].username, TEST_PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=16))
        assert sign_in(Client(), people[25].username, TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_signing_in_to_ones_own_account_does_not_clear_the_address_count():
    """An attacker with one real account cannot wipe the count of guesses at others."""
    own = UserFactory()
    victims = UserFactory.create_batch(25)
    client = Client()
    for index in range(49):
        sign_in(client, victims[index % 25].username, "guess")
    assert sign_in(Client(), own.username, TEST_PASSWORD).status_code == 302
    assert sign_in(client, victims[0].username, "guess").status_code == 429


@pytest.mark.django_db
@override_settings(SIGN_IN_ADDRESS_FAILURE_LIMIT=3)
def test_address_limit_is_a_setting():
    people = UserFactory.create_batch(4)
    for person in people[:3]:
        sign_in(Client(), person.username, "guess")
    assert sign_in(Client(), people[3].username, TEST_PASSWORD).status_code == 429
