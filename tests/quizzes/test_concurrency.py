"""Real threads against PostgreSQL: row locks and constraints, not mocks, keep attempts honest."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from django.db import connection, connections

from quizzes import services
from quizzes.models import Answer, AnswerChoice, Attempt
from quizzes.signals import attempt_graded
from tests.factories import UserFactory
from tests.quizzes.conftest import right_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(count, func, workers=None):
    """Run func(i) in `count` threads released at once; each thread closes its connection."""
    barrier = threading.Barrier(min(count, workers or count))

    def call(i):
        try:
            if workers is None or i < workers:
                barrier.wait(timeout=30)
            return func(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers or count) as pool:
        return list(pool.map(call, range(count)))


@pytest.fixture
def graded_signals():
    received = []
    lock = threading.Lock()

    def receiver(sender, attempt, **kwargs):
        with lock:
            received.append(attempt.pk)

    attempt_graded.connect(receiver)
    yield received
    attempt_graded.disconnect(receiver)


def test_twenty_simultaneous_starts_give_one_attempt(learner, make_quiz):
    quiz = make_quiz(5)
    ids = run_together(20, lambda i: services.start_attempt(learner, quiz).pk)
    assert len(set(ids)) == 1
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_twenty_simultaneous_submits_grade_once(learner, make_quiz, graded_signals):
    quiz = make_quiz(6)
    attempt = services.start_attempt(learner, quiz)
    answers = right_answers(attempt)
    results = run_together(20, lambda i: services.submit_attempt(attempt, answers)[1])
    assert results.count(True) == 1
    assert graded_signals == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.score == 100


def test_two_hundred_learners_submitting_at_once_lose_nothing(make_quiz):
    quiz = make_quiz(10)
    assert connection.vendor == "postgresql"
    attempts = [services.start_attempt(UserFactory(), quiz) for _ in range(200)]
    sheets = [right_answers(a) for a in attempts]
    # 50 connections at a time: PostgreSQL's default allows 100 in all.
    graded = run_together(200, lambda i: services.submit_attempt(attempts[i], sheets[i])[1], 50)
    assert graded == [True] * 200
    assert Attempt.objects.filter(quiz=quiz, status="graded", score=100).count() == 200
    assert Answer.objects.filter(attempt__quiz=quiz, is_correct=True).count() == 2000
    expected_picks = sum(len(c) for sheet in sheets for c in sheet.values())
    assert AnswerChoice.objects.filter(answer__attempt__quiz=quiz).count() == expected_picks
