"""Records that keep their history: attempts keep their key, answered questions are retired,
and a re-grade after a key fix is an explicit, audited editor action."""

import pytest

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import AuditEntry
from quizzes import services
from quizzes.models import Answer, Attempt, Choice, Question
from tests.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


def choice(question, letter):
    return question.choices.order_by("sort_order")["ABCDEFGH".index(letter)]


def take(user, quiz, letter_by_question):
    """Start and submit an attempt picking the given letter of each question."""
    attempt = services.start_attempt(user, quiz)
    answers = {str(q.pk): [choice(q, letter).pk] for q, letter in letter_by_question.items()}
    attempt, _graded = services.submit_attempt(attempt, answers)
    return attempt


def fix_key(question, letter):
    """What an editor's key fix does to the bank: the right flag moves to another choice."""
    Choice.objects.filter(question=question).update(is_correct=False)
    Choice.objects.filter(pk=choice(question, letter).pk).update(is_correct=True)


@pytest.fixture
def wrong_key_quiz(db):
    """Two single-choice questions; the first was keyed A by mistake (B is right)."""
    mistaken = QuestionFactory(right="A", stem="灭火器压力表指针在哪个区域表示压力正常？")
    other = QuestionFactory(right="A")
    return QuizFactory(questions=[mistaken, other], pass_mark=100), mistaken, other


@pytest.fixture
def regrader_client(client):
    group = Group.objects.create(name="题库审核")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="quizzes"),
    )
    user = UserFactory(username="quiz-regrader", is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    client.user = user
    return client


def test_fixing_a_wrong_key_does_not_change_old_grades(signed_in_client, learner, wrong_key_quiz):
    quiz, mistaken, other = wrong_key_quiz
    quiz.review_policy = quiz.Review.EXPLANATIONS
    quiz.save()
    attempt = take(learner, quiz, {mistaken: "A", other: "A"})
    assert (attempt.score, attempt.passed) == (100, True)

    fix_key(mistaken, "B")
    attempt.refresh_from_db()
    assert (attempt.correct_count, attempt.score, attempt.passed) == (2, 100, True)
    # The review still shows the attempt as graded, with the key it was graded with.
    page = signed_in_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "quiz-review--wrong" not in page
    assert page.count("quiz-tag--key") == 2
    # A new attempt is graded with the fixed key.
    later = take(UserFactory(), quiz, {mistaken: "A", other: "A"})
    assert (later.correct_count, later.passed) == (1, False)
    assert later.answer_key[str(mistaken.pk)] == [choice(mistaken, "B").pk]


def test_attempt_keeps_the_pass_mark_it_started_under(learner, wrong_key_quiz):
    quiz, mistaken, other = wrong_key_quiz
    attempt = services.start_attempt(learner, quiz)
    quiz.pass_mark = 50
    quiz.save()
    attempt, _graded = services.submit_attempt(
        attempt, {str(mistaken.pk): [choice(mistaken, "A").pk], str(other.pk): []}
    )
    assert attempt.pass_mark == 100 and attempt.passed is False


def test_deleting_a_question_in_use_is_refused_with_retire_offered(
    editor_client, learner, wrong_key_quiz
):
    quiz, mistaken, other = wrong_key_quiz
    take(learner, quiz, {mistaken: "A", other: "A"})
    url = reverse("wagtailsnippets_quizzes_question:delete", args=[mistaken.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert "不能删除" in page.content.decode()
    assert reverse("quizzes_question_retire", args=[mistaken.pk]) in page.content.decode()
    response = editor_client.post(url)
    assert response.status_code == 409
    assert "停用" in response.content.decode()
    assert Question.objects.filter(pk=mistaken.pk).exists()
    assert Answer.objects.filter(question=mistaken).count() == 1


def test_bulk_delete_of_questions_in_use_is_refused(editor_client, learner, wrong_key_quiz):
    quiz, mistaken, other = wrong_key_quiz
    take(learner, quiz, {mistaken: "A", other: "A"})
    url = reverse("wagtail_bulk_action", args=["quizzes", "question", "delete"])
    response = editor_client.post(f"{url}?id={mistaken.pk}&id={other.pk}")
    assert response.status_code == 409
    assert Question.objects.count() == 2


def test_an_unused_question_can_still_be_deleted(editor_client):
    question = QuestionFactory()
    url = reverse("wagtailsnippets_quizzes_question:delete", args=[question.pk])
    assert editor_client.post(url).status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_retiring_a_question_stops_it_being_drawn_and_is_audited(
    editor_client, learner, wrong_key_quiz
):
    quiz, mistaken, other = wrong_key_quiz
    take(learner, quiz, {mistaken: "A", other: "A"})
    response = editor_client.post(reverse("quizzes_question_retire", args=[mistaken.pk]))
    assert response.status_code == 302
    mistaken.refresh_from_db()
    assert not mistaken.active
    assert services.draw_questions(quiz).question_ids == [other.pk]
    entry = AuditEntry.objects.get(action="firesafety.quiz.retire")
    assert entry.object_id == str(mistaken.pk)


def test_retire_needs_the_change_permission(client, wrong_key_quiz):
    _quiz, mistaken, _other = wrong_key_quiz
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.post(reverse("quizzes_question_retire", args=[mistaken.pk]))
    # Wagtail's admin answers a refusal with its "no permission" redirect.
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response.url == "/admin/"
    mistaken.refresh_from_db()
    assert mistaken.active


def choice_form_data(question, remove_letter):
    """The question editor's POST with one choice ticked for deletion."""
    choices = list(question.choices.order_by("sort_order"))
    data = {
        "kind": question.kind,
        "stem": question.stem,
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "active": "on",
        "tags": "",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 2,
        "choices-MAX_NUM_FORMS": 8,
        # No review workflow in these tests: the editor publishes the change at once.
        "action-publish": "1",
    }
    for index, item in enumerate(choices):
        data[f"choices-{index}-id"] = item.pk
        data[f"choices-{index}-text"] = item.text
        data[f"choices-{index}-ORDER"] = index + 1
        if item.is_correct:
            data[f"choices-{index}-is_correct"] = "on"
        if "ABCDEFGH"[index] == remove_letter:
            data[f"choices-{index}-DELETE"] = "on"
    return data


def test_removing_a_picked_choice_is_refused_in_the_editor(editor_client, learner, wrong_key_quiz):
    quiz, mistaken, other = wrong_key_quiz
    take(learner, quiz, {mistaken: "C", other: "A"})
    url = reverse("wagtailsnippets_quizzes_question:edit", args=[mistaken.pk])
    response = editor_client.post(url, choice_form_data(mistaken, "C"))
    assert response.status_code == 200
    assert "不能删除" in response.content.decode()
    assert mistaken.choices.count() == 4
    # An unpicked choice can go.
    response = editor_client.post(url, choice_form_data(mistaken, "D"))
    assert response.status_code == 302
    assert mistaken.choices.count() == 3


def test_saving_a_question_in_the_editor_makes_a_revision_attempts_record(
    editor_client, learner, wrong_key_quiz
):
    quiz, mistaken, _other = wrong_key_quiz
    url = reverse("wagtailsnippets_quizzes_question:edit", args=[mistaken.pk])
    assert editor_client.post(url, choice_form_data(mistaken, "")).status_code == 302
    mistaken.refresh_from_db()
    assert mistaken.latest_revision is not None
    attempt = services.start_attempt(learner, quiz)
    assert attempt.question_revisions[str(mistaken.pk)] == mistaken.latest_revision_id
    assert mistaken.live_revision_id == mistaken.latest_revision_id


def test_regrade_lists_and_changes_exactly_the_affected_attempts(regrader_client, wrong_key_quiz):
    quiz, mistaken, other = wrong_key_quiz
    picked_a = take(UserFactory(name="选A者"), quiz, {mistaken: "A", other: "A"})
    picked_b = take(UserFactory(name="选B者"), quiz, {mistaken: "B", other: "A"})
    picked_c = take(UserFactory(name="选C者"), quiz, {mistaken: "C", other: "A"})
    fix_key(mistaken, "B")
    after_fix = take(UserFactory(name="修正后作答"), quiz, {mistaken: "B", other: "A"})
    before = {a.pk: (a.score, a.passed) for a in (picked_a, picked_b, picked_c, after_fix)}
    url = reverse("quizzes_question_regrade", args=[mistaken.pk])

    preview = regrader_client.get(url)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert str(picked_a.pk) in page and str(picked_b.pk) in page
    assert str(picked_c.pk) not in page and str(after_fix.pk) not in page
    assert "选C者" not in page
    # The preview changes nothing.
    assert {a.pk: (a.score, a.passed) for a in Attempt.objects.filter(pk__in=before)} == before

    response = regrader_client.post(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert str(picked_a.pk) in page and str(picked_b.pk) in page and str(picked_c.pk) not in page
    grades = {a.pk: (a.score, a.passed) for a in Attempt.objects.filter(pk__in=before)}
    assert grades[picked_a.pk] == (50, False)
    assert grades[picked_b.pk] == (100, True)
    assert grades[picked_c.pk] == before[picked_c.pk] == (50, False)
    assert grades[after_fix.pk] == before[after_fix.pk]
    right_b = [choice(mistaken, "B").pk]
    for attempt in Attempt.objects.filter(pk__in=before):
        assert attempt.answer_key[str(mistaken.pk)] == right_b

    entry = AuditEntry.objects.get(action="firesafety.quiz.regrade")
    assert entry.user == regrader_client.user
    assert entry.object_id == str(mistaken.pk)
    assert entry.data["changed"] == 2 and entry.data["rekeyed"] == 3
    listed = {r["attempt"]: (r["old_score"], r["new_score"]) for r in entry.data["attempts"]}
    assert listed == {str(picked_a.pk): (100, 50), str(picked_b.pk): (50, 100)}

    # A second re-grade finds nothing to do and writes no entry.
    assert "无需重新评分" in regrader_client.get(url).content.decode()
    regrader_client.post(url)
    assert AuditEntry.objects.filter(action="firesafety.quiz.regrade").count() == 1


def test_regrade_needs_its_permission(editor_client, wrong_key_quiz):
    _quiz, mistaken, _other = wrong_key_quiz
    # The editors' group of the other tests has every quizzes permission but this one.
    Group.objects.get(name="题库编辑").permissions.remove(
        Permission.objects.get(codename="regrade_attempt")
    )
    url = reverse("quizzes_question_regrade", args=[mistaken.pk])
    assert editor_client.get(url).status_code in (302, 403)
    assert editor_client.post(url).status_code in (302, 403)
    assert "/regrade/" not in editor_client.post(url).get("Location", "/regrade/")
    assert not AuditEntry.objects.exists()


def test_regrade_of_an_unknown_question_is_404(regrader_client):
    assert regrader_client.get("/admin/quizzes/questions/999999/regrade/").status_code == 404


def regrade_queries(client, takers):
    """Queries of the preview and of the re-grade of a question with `takers` graded attempts."""
    mistaken, other = QuestionFactory(right="A"), QuestionFactory()
    quiz = QuizFactory(questions=[mistaken, other])
    for n in range(takers):
        take(UserFactory(), quiz, {mistaken: "AB"[n % 2], other: "A"})
    fix_key(mistaken, "B")
    url = reverse("quizzes_question_regrade", args=[mistaken.pk])
    with CaptureQueriesContext(connection) as preview:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as regrade:
        assert client.post(url).status_code == 200
    assert Attempt.objects.filter(quiz=quiz, score=100).count() == takers // 2
    return len(preview), len(regrade)


def test_regrade_query_count_does_not_grow_with_attempts(regrader_client):
    # The first request also looks up the site, which later ones read from the cache.
    regrader_client.get("/admin/")
    assert regrade_queries(regrader_client, 2) == regrade_queries(regrader_client, 12)


def test_grading_query_count_is_the_same_for_few_and_many_questions(learner):
    counts = []
    for n in (3, 30):
        quiz = QuizFactory(questions=[QuestionFactory() for _ in range(n)])
        attempt = services.start_attempt(learner, quiz)
        with CaptureQueriesContext(connection) as queries:
            services.grade_attempt(attempt)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_migration_fills_old_attempts_with_the_key_and_pass_mark_of_that_moment(learner):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("quizzes.migrations.0002_attempts_keep_their_key")
    question = QuestionFactory(kind="multiple", right="AC")
    quiz = QuizFactory(questions=[question], pass_mark=80)
    old = Attempt.objects.create(user=learner, quiz=quiz, question_ids=[question.pk, 999999])
    migration.fill_keys_from_the_bank(apps, None)
    old.refresh_from_db()
    right = sorted(question.choices.filter(is_correct=True).values_list("id", flat=True))
    assert old.answer_key == {str(question.pk): right, "999999": []}
    assert old.pass_mark == 80
