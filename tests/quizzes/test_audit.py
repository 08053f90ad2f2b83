"""Editors' quiz-statistics exports are written to the audit log (through Wagtail's log)."""

import pytest

from django.urls import reverse

from accounts.models import User
from organisations.models import AuditEntry
from tests.quizzes.factories import QuizFactory


def editor():
    return User.objects.get(username="quiz-editor")


@pytest.mark.django_db
def test_exporting_one_quizs_statistics_is_audited(editor_client):
    quiz = QuizFactory(title="示例测验")
    response = editor_client.get(
        reverse("quizzes_quiz_statistics", args=[quiz.pk]) + "?export=xlsx"
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "firesafety.export.download"
    assert entry.user == editor()
    assert entry.object_id == str(quiz.pk) and entry.label == "示例测验"
    assert entry.data["what"] == "quizzes.quiz_statistics"


@pytest.mark.django_db
def test_exporting_all_quiz_statistics_is_audited_on_the_editors_account(editor_client):
    QuizFactory()
    assert editor_client.get(reverse("quizzes_statistics") + "?export=xlsx").status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "firesafety.export.download"
    assert entry.user == editor()
    assert entry.object_id == str(editor().pk)
    assert entry.data["what"] == "quizzes.statistics"


@pytest.mark.django_db
def test_viewing_statistics_without_exporting_writes_nothing(editor_client):
    quiz = QuizFactory()
    editor_client.get(reverse("quizzes_statistics"))
    editor_client.get(reverse("quizzes_quiz_statistics", args=[quiz.pk]))
    assert not AuditEntry.objects.exists()
