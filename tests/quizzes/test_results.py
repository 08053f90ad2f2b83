import pytest

from django.urls import reverse

from quizzes import services
from quizzes.models import Quiz
from tests.quizzes.conftest import right_answers

pytestmark = pytest.mark.django_db


def finish(client, learner, quiz, *, right=True):
    attempt = services.start_attempt(learner, quiz)
    answers = right_answers(attempt) if right else {}
    services.submit_attempt(attempt, answers)
    client.force_login(learner)
    return attempt, client.get(reverse("quizzes:result", args=[attempt.pk]))


def test_score_only_policy_shows_no_answers(client, learner, make_quiz):
    quiz = make_quiz(3, review_policy=Quiz.Review.SCORE)
    _, response = finish(client, learner, quiz)
    html = response.content.decode()
    assert "100" in html and "quiz-review" not in html and "依据" not in html


def test_right_wrong_policy_marks_answers_but_hides_the_key(client, learner, make_quiz):
    quiz = make_quiz(3, review_policy=Quiz.Review.RIGHT_WRONG)
    _, response = finish(client, learner, quiz, right=False)
    html = response.content.decode()
    assert html.count("quiz-review--wrong") == 3
    assert "quiz-review__key" not in html and "依据" not in html


def test_explanations_policy_shows_key_and_basis(client, learner, make_quiz):
    quiz = make_quiz(3, review_policy=Quiz.Review.EXPLANATIONS)
    _, response = finish(client, learner, quiz, right=False)
    html = response.content.decode()
    assert "quiz-review__key" in html and "依据" in html


def test_once_passed_policy_waits_for_a_pass(client, learner, make_quiz):
    quiz = make_quiz(3, review_policy=Quiz.Review.ONCE_PASSED)
    _, failed = finish(client, learner, quiz, right=False)
    failed_url = failed.wsgi_request.path
    assert "依据" not in failed.content.decode()
    _, passed = finish(client, learner, quiz, right=True)
    assert "依据" in passed.content.decode()
    # Once passed, the earlier failed attempt may show its review too.
    assert "依据" in client.get(failed_url).content.decode()


def test_retry_offered_only_while_attempts_remain(client, learner, make_quiz):
    quiz = make_quiz(2, attempts_allowed=2)
    start = reverse("quizzes:start", args=[quiz.slug])
    _, first = finish(client, learner, quiz, right=False)
    assert start in first.content.decode()
    _, second = finish(client, learner, quiz, right=False)
    assert start not in second.content.decode()


def test_open_attempt_result_redirects_back_to_the_questions(client, learner, quiz):
    attempt = services.start_attempt(learner, quiz)
    client.force_login(learner)
    response = client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
