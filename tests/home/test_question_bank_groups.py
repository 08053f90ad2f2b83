import pytest

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from quizzes.models import Answer, Question
from tests.quizzes.factories import QuestionFactory

pytestmark = pytest.mark.django_db

BANK_PAGES = [
    "/admin/snippets/quizzes/question/",
    "/admin/snippets/quizzes/question/add/",
    "/admin/snippets/quizzes/quiz/",
    "/admin/snippets/quizzes/quiz/add/",
    "/admin/quizzes/import/",
]


@pytest.fixture
def demo(db):
    call_command("load_demo")


def test_editorial_groups_work_on_the_question_bank(client, demo):
    # One demo for all the pages and people: load_demo is the slow part of these tests.
    for username in ("editor", "reviewer", "admin"):
        client.force_login(User.objects.get(username=username))
        for url in BANK_PAGES:
            assert client.get(url).status_code == 200, (username, url)


def test_coordinators_and_learners_are_kept_out_of_the_bank(client, demo):
    for username in ("district", "student"):
        client.force_login(User.objects.get(username=username))
        for url in BANK_PAGES:
            assert client.get(url).status_code in (302, 403), (username, url)


def test_editor_cannot_delete_a_question_an_attempt_used(client, demo):
    used = Answer.objects.values_list("question", flat=True).first()
    assert used is not None, "the demo's attempts answer questions"
    count = Answer.objects.filter(question=used).values("attempt").distinct().count()
    client.force_login(User.objects.get(username="editor"))
    response = client.post(reverse("wagtailsnippets_quizzes_question:delete", args=[used]))
    assert response.status_code == 409
    assert str(count) in response.content.decode()
    assert Question.objects.filter(pk=used).exists()


def test_editor_can_delete_an_unused_question(client, demo):
    question = QuestionFactory()
    client.force_login(User.objects.get(username="editor"))
    url = reverse("wagtailsnippets_quizzes_question:delete", args=[question.pk])
    assert client.post(url).status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_the_demo_has_drafts_waiting_for_the_reviewer(client, demo):
    from quizzes.demo import DRAFTS, bank_rows

    stems = [row.stem for row in bank_rows(DRAFTS)]
    drafts = Question.objects.filter(stem__in=stems)
    assert drafts.count() == len(stems) >= 3
    assert all(not q.live and q.workflow_in_progress for q in drafts)
    assert not Question.objects.drawable().filter(stem__in=stems).exists()
    client.force_login(User.objects.get(username="reviewer"))
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert all(stem in dashboard for stem in stems)
    # The editor who submitted them sees them as their own, with nothing to approve.
    client.force_login(User.objects.get(username="editor"))
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "workflow/action" not in dashboard
