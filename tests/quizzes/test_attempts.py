import json
import re
from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from quizzes import access, services
from quizzes.models import Answer, Attempt, Choice
from quizzes.signals import attempt_graded
from tests.factories import UserFactory
from tests.quizzes.conftest import right_answers
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


def post_answer(client, attempt, question, choices):
    return client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        data=json.dumps({"question": question, "choices": choices}),
        content_type="application/json",
    )


def picks(attempt):
    return {
        a.question_id: sorted(a.choices.values_list("id", flat=True))
        for a in Answer.objects.filter(attempt=attempt)
    }


@pytest.fixture
def graded_signals():
    received = []

    def receiver(sender, attempt, **kwargs):
        received.append(attempt.pk)

    attempt_graded.connect(receiver)
    yield received
    attempt_graded.disconnect(receiver)


def test_quiz_page_shows_rules_and_start_button(signed_in_client, quiz):
    response = signed_in_client.get(reverse("quizzes:quiz", args=[quiz.slug]))
    assert response.status_code == 200
    assert quiz.title in response.text
    assert reverse("quizzes:start", args=[quiz.slug]) in response.text


def test_anonymous_visitor_is_asked_to_sign_in(client, quiz):
    response = client.get(reverse("quizzes:quiz", args=[quiz.slug]))
    assert reverse("accounts:login") in response.text
    response = client.post(reverse("quizzes:start", args=[quiz.slug]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not Attempt.objects.exists()


def test_start_draws_questions_once_and_reload_shows_the_same(signed_in_client, learner):
    tagged = [QuestionFactory(tags=["灭火器"]) for _ in range(10)]
    quiz = QuizFactory(draws=[("灭火器", 4)], shuffle_questions=True, shuffle_choices=True)
    response = signed_in_client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(user=learner)
    assert response["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
    assert len(attempt.question_ids) == 4
    assert set(attempt.question_ids) <= {q.id for q in tagged}
    first = signed_in_client.get(response["Location"]).text
    again = signed_in_client.post(reverse("quizzes:start", args=[quiz.slug]))
    assert again["Location"] == response["Location"]
    assert Attempt.objects.count() == 1
    second = signed_in_client.get(response["Location"]).text
    order = re.compile(r'name="q(\d+)" value="(\d+)"')
    assert order.findall(first) == order.findall(second)
    assert [int(q) for q, _ in dict.fromkeys(order.findall(first))] != [] and [
        int(q) for q in dict.fromkeys(q for q, _ in order.findall(first))
    ] == attempt.question_ids


def test_fixed_questions_keep_their_order_and_inactive_ones_are_left_out(learner):
    first, second, third = QuestionFactory(), QuestionFactory(active=False), QuestionFactory()
    quiz = QuizFactory(questions=[third, second, first])
    attempt = services.start_attempt(learner, quiz)
    assert attempt.question_ids == [third.id, first.id]


def test_draw_by_difficulty_only_takes_that_level(learner):
    QuestionFactory.create_batch(5, tags=["消控室"], difficulty=1)
    hard = QuestionFactory.create_batch(3, tags=["消控室"], difficulty=3)
    quiz = QuizFactory()
    quiz.draw_rules.create(tag=hard[0].tags.first(), count=5, difficulty=3)
    attempt = services.start_attempt(learner, quiz)
    assert sorted(attempt.question_ids) == sorted(q.id for q in hard)


def test_attempt_page_never_contains_the_answer_key(signed_in_client, attempt):
    Choice.objects.filter(question_id__in=attempt.question_ids, is_correct=True).update(
        text="THE-RIGHT-ONE"
    )
    response = signed_in_client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    html = response.text
    assert response.status_code == 200
    for word in ("is_correct", "correct", "依据", "解析", "right answer"):
        assert word not in html
    # The right choice is there, but nothing marks it apart from the wrong ones.
    for label in re.findall(r"<label[^>]*>.*?</label>", html, flags=re.S):
        assert "data-" not in label.split(">")[0]
    question_id = attempt.question_ids[0]
    answer = post_answer(signed_in_client, attempt, question_id, [])
    assert set(answer.json()) == {"saved", "saved_at"}


def test_answers_autosave_and_survive_a_reload(signed_in_client, attempt):
    question_id = attempt.question_ids[0]
    choice_id = attempt.choice_order[str(question_id)][1]
    response = post_answer(signed_in_client, attempt, question_id, [choice_id])
    assert response.status_code == 200 and response.json()["saved"] is True
    page = signed_in_client.get(reverse("quizzes:attempt", args=[attempt.pk])).text
    assert f'name="q{question_id}" value="{choice_id}" checked' in page
    assert picks(attempt) == {question_id: [choice_id]}


def test_answer_for_a_question_not_in_the_attempt_is_refused(signed_in_client, attempt):
    stranger = QuestionFactory()
    response = post_answer(signed_in_client, attempt, stranger.id, [stranger.choices.first().id])
    assert response.status_code == 400
    assert response.json()["saved"] is False
    assert not Answer.objects.exists()


def test_choice_of_another_question_is_refused_and_changes_nothing(signed_in_client, attempt):
    first, second = attempt.question_ids[0], attempt.question_ids[1]
    keep = attempt.choice_order[str(first)][0]
    post_answer(signed_in_client, attempt, first, [keep])
    foreign = attempt.choice_order[str(second)][0]
    response = post_answer(signed_in_client, attempt, first, [foreign])
    assert response.status_code == 400
    assert picks(attempt) == {first: [keep]}


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"choices": [1]}),
        json.dumps({"question": "x", "choices": ["y"]}),
        json.dumps({"question": 1, "choices": "1"}),
        "[" * 100_000,  # deeper than json.loads can recurse: RecursionError
    ],
)
def test_malformed_answer_gets_400_not_500(signed_in_client, attempt, body):
    response = signed_in_client.post(
        reverse("quizzes:answer", args=[attempt.pk]), data=body, content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        '{"question": [1], "choices": []}',
        '{"question": {"a": 1}, "choices": []}',
        '{"question": 1e999, "choices": []}',
        '{"question": NaN, "choices": []}',
        '{"question": true, "choices": []}',
        '{"question": 99999999999999999999999, "choices": []}',
        '{"question": "99999999999999999999999", "choices": []}',
        '{"question": QUESTION, "choices": [1e999]}',
        '{"question": QUESTION, "choices": [[1]]}',
        '{"question": QUESTION, "choices": [{"a": 1}]}',
        '{"question": QUESTION, "choices": [-1]}',
        '{"question": QUESTION, "choices": [1.5]}',
    ],
)
def test_answer_with_wrong_types_or_huge_numbers_gets_400_with_a_message(
    signed_in_client, attempt, body
):
    body = body.replace("QUESTION", str(attempt.question_ids[0]))
    response = signed_in_client.post(
        reverse("quizzes:answer", args=[attempt.pk]),
        data=body,
        content_type="application/json",
        headers={"accept-language": "zh-hans"},
    )
    assert response.status_code == 400
    assert response.json() == {"saved": False, "error": "答案格式不正确。"}
    assert picks(attempt) == {}


def test_two_choices_for_a_single_choice_question_are_refused(signed_in_client, attempt):
    single = attempt.question_ids[0]  # the fixture's first question is single choice
    choices = attempt.choice_order[str(single)][:2]
    assert post_answer(signed_in_client, attempt, single, choices).status_code == 400


def test_another_persons_attempt_is_404(client, attempt):
    client.force_login(UserFactory())
    for name in ("quizzes:attempt", "quizzes:result"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    assert post_answer(client, attempt, attempt.question_ids[0], []).status_code == 404
    assert client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_submit_grades_once_and_sends_the_signal_once(
    signed_in_client, attempt, graded_signals, django_capture_on_commit_callbacks
):
    url = reverse("quizzes:submit", args=[attempt.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = signed_in_client.post(url)
        second = signed_in_client.post(url)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("quizzes:result", args=[attempt.pk])
    assert graded_signals == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.score == 0 and attempt.passed is False


def test_answers_after_submit_are_refused(signed_in_client, attempt):
    signed_in_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    question_id = attempt.question_ids[0]
    response = post_answer(
        signed_in_client, attempt, question_id, attempt.choice_order[str(question_id)][:1]
    )
    assert response.status_code == 409
    assert not Answer.objects.filter(attempt=attempt).exclude(choices=None).exists()


def test_all_right_passes_with_full_score(signed_in_client, attempt):
    for question, choices in right_answers(attempt).items():
        post_answer(signed_in_client, attempt, int(question), choices)
    signed_in_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed, attempt.correct_count) == (100, True, 3)


def test_multiple_choice_is_right_only_with_exactly_the_right_set(learner):
    question = QuestionFactory(kind="multiple", right="AC")
    quiz = QuizFactory(questions=[question])
    a, b, c, _d = question.choices.order_by("sort_order").values_list("id", flat=True)
    outcomes = []
    for chosen in ([a], [a, b, c], [a, c]):
        attempt = services.start_attempt(learner, quiz)
        services.save_answer(attempt, question.id, chosen)
        attempt, _ = services.submit_attempt(attempt)
        outcomes.append(attempt.correct_count)
    assert outcomes == [0, 0, 1]


def test_submit_without_javascript_saves_the_form_and_grades(signed_in_client, attempt):
    data = {"form_answers": "1"}
    for question, choices in right_answers(attempt).items():
        data[f"q{question}"] = [str(c) for c in choices]
    signed_in_client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_no_javascript_submit_naming_a_foreign_question_is_refused(signed_in_client, attempt):
    stranger = QuestionFactory()
    data = {"form_answers": "1", f"q{stranger.id}": str(stranger.choices.first().id)}
    response = signed_in_client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.is_open and not Answer.objects.exists()


def test_deadline_is_the_servers(learner, make_quiz, time_machine, client, graded_signals):
    quiz = make_quiz(3, time_limit_minutes=10)
    time_machine.move_to(timezone.now(), tick=False)
    attempt = services.start_attempt(learner, quiz)
    assert attempt.deadline == attempt.started_at + timedelta(minutes=10)
    right = right_answers(attempt)
    first, second = attempt.question_ids[:2]
    services.save_answer(attempt, first, right[str(first)])
    client.force_login(learner)
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).text
    assert 'data-remaining-seconds="600"' in page

    time_machine.shift(timedelta(minutes=10, seconds=1))
    late = post_answer(client, attempt, second, right[str(second)])
    assert late.status_code == 409
    # A late submit with every right answer in the form grades only what was saved in time.
    data = {"form_answers": "1"} | {f"q{q}": c for q, c in right.items()}
    client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    assert attempt.correct_count == 1
    assert attempt.submitted_at == attempt.deadline


def test_expired_attempt_is_graded_when_opened_again(learner, make_quiz, time_machine, client):
    quiz = make_quiz(2, time_limit_minutes=5)
    time_machine.move_to(timezone.now(), tick=False)
    attempt = services.start_attempt(learner, quiz)
    time_machine.shift(timedelta(minutes=6))
    client.force_login(learner)
    response = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == "graded"


def test_starting_with_no_attempts_left_is_403_with_the_reason(signed_in_client, make_quiz):
    quiz = make_quiz(2, attempts_allowed=1)
    signed_in_client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    signed_in_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    response = signed_in_client.post(reverse("quizzes:start", args=[quiz.slug]))
    assert response.status_code == 403
    assert "1" in response.text and "次" in response.text
    assert Attempt.objects.count() == 1


def test_closed_quiz_cannot_be_started(signed_in_client, make_quiz):
    quiz = make_quiz(2, active=False)
    response = signed_in_client.post(reverse("quizzes:start", args=[quiz.slug]))
    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_registered_start_check_refuses_with_its_reason(signed_in_client, quiz):
    def outside_lesson(user, quiz):
        return "这门课程不对你开放。"

    access.register_start_check(outside_lesson)
    try:
        response = signed_in_client.post(reverse("quizzes:start", args=[quiz.slug]))
    finally:
        access.unregister_start_check(outside_lesson)
    assert response.status_code == 403
    assert "这门课程不对你开放。" in response.text
    assert not Attempt.objects.exists()


def test_one_open_attempt_per_person_is_a_database_rule(learner, attempt):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(user=learner, quiz=attempt.quiz, question_ids=[1])


def _query_counts(client, learner, make_quiz, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiz = make_quiz(n)
    attempt = services.start_attempt(learner, quiz)
    for question, choices in list(right_answers(attempt).items())[: n // 2]:
        services.save_answer(attempt, question, choices)
    client.force_login(learner)
    client.get("/")  # the site's footer settings are created on the first page
    counts = {}
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 200
    counts["page"] = len(page)
    data = {"form_answers": "1"} | {f"q{q}": c for q, c in right_answers(attempt).items()}
    with CaptureQueriesContext(connection) as submit:
        client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    counts["submit"] = len(submit)
    with CaptureQueriesContext(connection) as result:
        assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 200
    counts["result"] = len(result)
    attempt.refresh_from_db()
    assert attempt.score == 100
    return counts


def test_attempt_page_submit_and_result_run_the_same_queries_for_5_and_50_questions(
    client, learner, make_quiz, home_page
):
    small = _query_counts(client, learner, make_quiz, 5)
    large = _query_counts(client, learner, make_quiz, 50)
    assert small == large
    # The submit counts the courses app's receiver too: attempt_graded is sent in the transaction;
    # the result asks courses what the pass led to (one query for a quiz in no lesson).
    assert small["page"] <= 11 and small["submit"] <= 20 and small["result"] <= 14, small


def test_quiz_page_query_count_does_not_grow_with_attempts(
    client, learner, make_quiz, home_page, django_assert_max_num_queries
):
    quiz = make_quiz(3)
    for _ in range(5):
        services.submit_attempt(services.start_attempt(learner, quiz))
    client.force_login(learner)
    client.get("/")
    # 12: one more than before for the current cycle (the lessons using the quiz).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("quizzes:quiz", args=[quiz.slug]))
    assert response.text.count(reverse("quizzes:start", args=[quiz.slug])) == 1


def test_question_deleted_during_an_attempt_does_not_block_the_submit(signed_in_client, attempt):
    from quizzes.models import Question

    answers = right_answers(attempt)
    Question.objects.filter(pk=attempt.question_ids[0]).delete()
    data = {"form_answers": "1"} | {f"q{q}": c for q, c in answers.items()}
    response = signed_in_client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.correct_count, attempt.score) == ("graded", 2, 100)
    assert signed_in_client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 200
