"""A quiz submit carries a key from its form: a replay grades nothing more and answers the same."""

import threading

import pytest

from django.urls import reverse

from idempotency.models import IdempotencyKey
from quizzes import services
from quizzes.models import Attempt
from quizzes.signals import attempt_graded
from tests.factories import UserFactory
from tests.idempotency.forms import form_key
from tests.quizzes.conftest import right_answers


@pytest.fixture
def graded():
    received = []
    lock = threading.Lock()

    def receiver(sender, attempt, **kwargs):
        with lock:
            received.append(attempt.pk)

    attempt_graded.connect(receiver)
    yield received
    attempt_graded.disconnect(receiver)


def submit_form(client, attempt):
    """The attempt page's form as the browser posts it: every right answer and the form's key."""
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    data = {"form_answers": "1", "idempotency_key": form_key(page)}
    return data | {f"q{q}": choices for q, choices in right_answers(attempt).items()}


def test_replaying_a_submit_grades_once_and_answers_the_same_redirect(
    signed_in_client, attempt, graded
):
    url = reverse("quizzes:submit", args=[attempt.pk])
    data = submit_form(signed_in_client, attempt)
    first = signed_in_client.post(url, data)
    replay = signed_in_client.post(url, data)
    assert first.status_code == replay.status_code == 302
    assert first["Location"] == replay["Location"] == reverse("quizzes:result", args=[attempt.pk])
    assert graded == [attempt.pk]
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("graded", 100)
    assert IdempotencyKey.objects.get().purpose == "quizzes.submit"


def test_a_malformed_key_is_a_400_in_chinese_and_grades_nothing(signed_in_client, attempt):
    url = reverse("quizzes:submit", args=[attempt.pk])
    for bad in ("not-a-key", "A" * 32, "0" * 31, "0" * 1000, ""):
        response = signed_in_client.post(url, {"form_answers": "1", "idempotency_key": bad})
        assert response.status_code == 400
        assert "提交标识无效" in response.content.decode()
    two = signed_in_client.post(url, {"idempotency_key": ["0" * 32, "1" * 32]})
    assert two.status_code == 400
    attempt.refresh_from_db()
    assert attempt.is_open
    assert not IdempotencyKey.objects.exists()


def test_a_form_without_a_key_still_submits_as_before(signed_in_client, attempt, graded):
    url = reverse("quizzes:submit", args=[attempt.pk])
    data = submit_form(signed_in_client, attempt)
    del data["idempotency_key"]
    assert signed_in_client.post(url, data).status_code == 302
    assert signed_in_client.post(url, data).status_code == 302
    assert graded == [attempt.pk]
    assert not IdempotencyKey.objects.exists()


def test_another_persons_key_does_not_reveal_their_result(client, quiz, learner, graded):
    mine = services.start_attempt(learner, quiz)
    client.force_login(learner)
    data = submit_form(client, mine)
    client.post(reverse("quizzes:submit", args=[mine.pk]), data)
    other = UserFactory()
    theirs = services.start_attempt(other, quiz)
    client.force_login(other)
    # The same key (and path content aside) from another account: their own submit, done.
    response = client.post(
        reverse("quizzes:submit", args=[theirs.pk]), {"idempotency_key": data["idempotency_key"]}
    )
    assert response["Location"] == reverse("quizzes:result", args=[theirs.pk])
    assert graded == [mine.pk, theirs.pk]
    assert client.get(reverse("quizzes:result", args=[mine.pk])).status_code == 404


def test_the_same_key_with_other_content_is_refused_with_422(signed_in_client, make_quiz, learner):
    first, second = make_quiz(3), make_quiz(3)
    one = services.start_attempt(learner, first)
    two = services.start_attempt(learner, second)
    data = submit_form(signed_in_client, one)
    signed_in_client.post(reverse("quizzes:submit", args=[one.pk]), data)
    response = signed_in_client.post(reverse("quizzes:submit", args=[two.pk]), data)
    assert response.status_code == 422
    assert "已经提交过" in response.content.decode()
    two.refresh_from_db()
    assert two.is_open


def test_a_refused_submit_leaves_the_key_free_for_the_corrected_form(signed_in_client, attempt):
    url = reverse("quizzes:submit", args=[attempt.pk])
    data = submit_form(signed_in_client, attempt)
    refused = signed_in_client.post(url, data | {f"q{attempt.question_ids[0]}": "999999"})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert signed_in_client.post(url, data).status_code == 302
    assert Attempt.objects.get(pk=attempt.pk).score == 100
