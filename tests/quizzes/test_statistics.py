from io import BytesIO

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from quizzes import services
from tests.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def misleading_quiz():
    """A quiz whose only question most learners get wrong the same way."""
    question = QuestionFactory(
        stem="误导性的题目？", choices=["对的", "诱人的错项", "另一个"], right="A"
    )
    quiz = QuizFactory(questions=[question], title="统计测验")
    right, lure, _other = question.choices.order_by("sort_order").values_list("id", flat=True)
    for chosen in ([lure], [lure], [lure], [right]):
        attempt = services.start_attempt(UserFactory(), quiz)
        services.submit_attempt(attempt, {str(question.id): chosen})
    return quiz, question


def test_report_shows_attempts_pass_rate_and_mean(editor_client, misleading_quiz):
    response = editor_client.get(reverse("quizzes_statistics"))
    quiz = response.context["quizzes"][0]
    assert (quiz.attempt_count, quiz.pass_rate, round(quiz.mean_score)) == (4, 25, 25)


def test_quiz_report_flags_the_misleading_question(editor_client, misleading_quiz):
    quiz, _question = misleading_quiz
    response = editor_client.get(reverse("quizzes_quiz_statistics", args=[quiz.pk]))
    row = response.context["rows"][0]
    assert (row["answered"], row["right"], row["rate"], row["suspect"]) == (4, 1, 25, True)
    assert [picked for _c, picked, _share in row["choices"]] == [1, 3, 0]


def test_report_query_count_does_not_grow_with_attempts(
    editor_client, misleading_quiz, django_assert_max_num_queries
):
    quiz, _question = misleading_quiz
    for _ in range(10):
        attempt = services.start_attempt(UserFactory(), quiz)
        services.submit_attempt(attempt, {})
    with django_assert_max_num_queries(25):
        editor_client.get(reverse("quizzes_quiz_statistics", args=[quiz.pk]))
    with django_assert_max_num_queries(25):
        editor_client.get(reverse("quizzes_statistics"))


def test_export_to_excel(editor_client, misleading_quiz):
    quiz, _question = misleading_quiz
    response = editor_client.get(
        reverse("quizzes_quiz_statistics", args=[quiz.pk]) + "?export=xlsx"
    )
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][0] == "误导性的题目？" and rows[2][6] == 3
    summary = editor_client.get(reverse("quizzes_statistics") + "?export=xlsx")
    summary_rows = list(load_workbook(BytesIO(b"".join(summary.streaming_content))).active.values)
    assert summary_rows[1][:2] == ("统计测验", 4)


def test_statistics_need_permission(client, misleading_quiz):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("quizzes_statistics")).status_code in (302, 403)


def test_a_stem_like_a_formula_is_text_in_the_statistics_export(editor_client, misleading_quiz):
    quiz, question = misleading_quiz
    question.stem = '=HYPERLINK("http://evil.example","点我")\x07'
    question.save()
    response = editor_client.get(
        reverse("quizzes_quiz_statistics", args=[quiz.pk]) + "?export=xlsx"
    )
    assert response.status_code == 200
    cell = load_workbook(BytesIO(b"".join(response.streaming_content))).active["A2"]
    assert cell.value == '=HYPERLINK("http://evil.example","点我")'
    assert cell.data_type == "s"
