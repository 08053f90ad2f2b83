"""Average best quiz score per organisation and each person's score and lessons done."""

import io

import pytest
import time_machine
from openpyxl import load_workbook

from courses.models import Enrolment
from quizzes import services as quiz_services
from quizzes.models import Question
from tests.courses.factories import LessonPageFactory
from tests.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory
from tests.reports.conftest import NOW, at

pytestmark = pytest.mark.django_db


def take(user, quiz, right_answers, capture):
    """One graded attempt answering the first `right_answers` questions right."""
    attempt = quiz_services.start_attempt(user, quiz)
    answers = {}
    for number, question in enumerate(Question.objects.filter(pk__in=attempt.question_ids)):
        choices = list(question.choices.order_by("sort_order"))
        answers[question.pk] = [(choices[1] if number < right_answers else choices[0]).pk]
    with capture(execute=True):
        attempt, _graded = quiz_services.submit_attempt(attempt, answers)
    return attempt


@pytest.fixture
def scored(small_district, django_capture_on_commit_callbacks):
    """The course gains a 4-question quiz lesson; p1 tries twice, p3 and p4 once each."""
    quiz = QuizFactory(
        questions=[QuestionFactory(right="B") for _ in range(4)], pass_mark=75, attempts_allowed=3
    )
    LessonPageFactory(
        parent=small_district["course"], slug="quiz", kind="quiz", quiz=quiz, title="测验"
    )
    people = small_district["people"]
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        take(people["p1"], quiz, 1, django_capture_on_commit_callbacks)  # 25
        take(people["p1"], quiz, 4, django_capture_on_commit_callbacks)  # 100, passed
        take(people["p3"], quiz, 2, django_capture_on_commit_callbacks)  # 50
        take(people["p4"], quiz, 3, django_capture_on_commit_callbacks)  # 75, passed
    return small_district


def report(client, small_district, **params):
    client.force_login(UserFactory(is_superuser=True))
    with time_machine.travel(NOW, tick=False):
        return client.get(
            "/reports/",
            {
                "requirement": small_district["requirement"].pk,
                "organisation": small_district["district"].pk,
                **params,
            },
        )


def test_the_best_score_is_kept_in_the_enrolment_when_graded(scored):
    p1 = scored["people"]["p1"]
    assert Enrolment.objects.get(user=p1).best_score == 100  # not the later or the first try
    # p4's completion had lapsed: the quiz started a new cycle, which holds the score.
    p4_cycles = Enrolment.objects.filter(user=scored["people"]["p4"]).order_by("cycle")
    assert [cycle.best_score for cycle in p4_cycles] == [None, 75]


def test_each_row_shows_the_average_of_best_scores(client, scored):
    response = report(client, scored)
    rows = {row.organisation.name: row.average_score for row in response.context["rows"]}
    # A镇: p1 100 and p3 50 (p2 and p8 have no score); B镇: p4 75.
    assert rows == {"A镇": 75, "B镇": 75}
    assert response.context["total"].average_score == 75  # (100 + 50 + 75) / 3
    text = response.content.decode()
    assert "平均最高分" in text


def test_a_row_without_scores_shows_a_dash_not_zero(client, small_district):
    response = report(client, small_district)
    assert all(row.average_score is None for row in response.context["rows"])
    assert response.context["total"].average_score is None


def test_scores_follow_the_as_of_date(client, scored):
    # On 1 November no cycle holding a score had started for p4 (the new cycle began 20 Nov).
    response = report(client, scored, as_of="2026-11-10")
    rows = {row.organisation.name: row.average_score for row in response.context["rows"]}
    assert rows["B镇"] is None


def test_people_list_shows_lessons_done_and_best_score(client, scored):
    client.force_login(UserFactory(is_superuser=True))
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            "/reports/people/",
            {"requirement": scored["requirement"].pk, "organisation": scored["town_a"].pk},
        )
    people = {person["name"]: person for person in response.context["page_obj"]}
    assert people["p1"]["best_score"] == 100 and people["p3"]["best_score"] == 50
    assert people["p8"]["best_score"] is None
    # Three lessons now; p1's cycle has the quiz lesson done, p3 has none, p8 no enrolment.
    assert (people["p1"]["lessons_done"], people["p1"]["lessons_total"]) == (1, 3)
    assert people["p3"]["lessons_done"] == 0 and people["p8"]["lessons_done"] == 0
    text = response.content.decode()
    assert "1/3" in text and "最高分" in text


def test_exports_carry_the_scores(client, scored):
    client.force_login(UserFactory(is_superuser=True))
    params = {"requirement": scored["requirement"].pk, "organisation": scored["district"].pk}
    with time_machine.travel(NOW, tick=False):
        table = client.get("/reports/export/table.xlsx", params)
        people = client.get(
            "/reports/export/people.xlsx", {**params, "organisation": scored["town_a"].pk}
        )
    rows = [
        list(row)
        for row in load_workbook(io.BytesIO(b"".join(table.streaming_content))).active.values
    ]
    header = next(row for row in rows if row and row[0] == "组织")
    assert header[-1] == "平均最高分"
    body = {row[0]: row[-1] for row in rows[rows.index(header) + 1 :] if row and row[0]}
    assert body == {"A镇": 75, "B镇": 75, "合计": 75}
    people_rows = [
        list(row)
        for row in load_workbook(io.BytesIO(b"".join(people.streaming_content))).active.values
    ]
    header = next(row for row in people_rows if row and row[0] == "姓名")
    by_name = {row[0]: row for row in people_rows[people_rows.index(header) + 1 :]}
    assert by_name["p1"][header.index("最高分")] == 100
    assert by_name["p1"][header.index("学习进度")] == "1/3"
