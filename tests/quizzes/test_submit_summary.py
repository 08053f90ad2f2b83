"""交卷 first shows a summary that keeps the answers; only its confirm grades, with its own key."""

from django.urls import reverse

from quizzes.models import Attempt
from tests.idempotency.forms import form_key
from tests.quizzes.conftest import right_answers


def _review(client, attempt, answers):
    data = {"form_answers": "1", "review": "1"}
    data |= {f"q{q}": choices for q, choices in answers.items()}
    return client.post(reverse("quizzes:review", args=[attempt.pk]), data, follow=True)


def test_the_summary_keeps_the_answers_lists_the_unanswered_and_grades_nothing(
    signed_in_client, attempt
):
    first = str(attempt.question_ids[0])
    response = _review(signed_in_client, attempt, {first: right_answers(attempt)[first]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1/3" in page
    attempt_url = reverse("quizzes:attempt", args=[attempt.pk])
    # The list of flagged questions after it holds every question, hidden until script fills it.
    unanswered = page.split("data-flagged-list")[0]
    assert f'href="{attempt_url}#q-1"' not in unanswered
    assert f'href="{attempt_url}#q-2"' in unanswered and f'href="{attempt_url}#q-3"' in unanswered
    assert Attempt.objects.get(pk=attempt.pk).is_open
    # Back on the questions, the answer given is still ticked and the anchors exist.
    sheet = signed_in_client.get(attempt_url).content.decode()
    choice = right_answers(attempt)[first][0]
    assert f'value="{choice}" checked' in sheet
    assert 'id="q-2"' in sheet


def test_the_attempt_page_sends_its_button_to_the_summary(signed_in_client, attempt):
    page = signed_in_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert f'formaction="{reverse("quizzes:review", args=[attempt.pk])}"' in page


def test_confirming_the_summary_grades_once_with_the_saved_answers(signed_in_client, attempt):
    response = _review(signed_in_client, attempt, right_answers(attempt))
    key = form_key(response.content.decode())
    submit = reverse("quizzes:submit", args=[attempt.pk])
    first = signed_in_client.post(submit, {"idempotency_key": key})
    again = signed_in_client.post(submit, {"idempotency_key": key})
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("quizzes:result", args=[attempt.pk])
    graded = Attempt.objects.get(pk=attempt.pk)
    assert not graded.is_open and graded.passed


def test_a_malformed_sheet_on_the_summary_is_a_400_in_chinese(signed_in_client, attempt):
    response = signed_in_client.post(
        reverse("quizzes:review", args=[attempt.pk]),
        {"form_answers": "1", f"q{attempt.question_ids[0]}": "abc"},
    )
    assert response.status_code == 400
    assert Attempt.objects.get(pk=attempt.pk).is_open


def test_a_graded_attempt_summary_goes_to_the_result(signed_in_client, attempt):
    _review(signed_in_client, attempt, right_answers(attempt))
    key = form_key(
        signed_in_client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    )
    signed_in_client.post(reverse("quizzes:submit", args=[attempt.pk]), {"idempotency_key": key})
    response = signed_in_client.post(reverse("quizzes:review", args=[attempt.pk]), {"q1": "1"})
    assert response["Location"] == reverse("quizzes:result", args=[attempt.pk])


def test_another_persons_summary_is_a_404(client, attempt, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="someone-else"))
    assert client.get(reverse("quizzes:review", args=[attempt.pk])).status_code == 404
