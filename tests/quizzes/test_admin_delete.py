import pytest

from django.urls import reverse

from quizzes.models import DrawRule, QuestionTag
from tests.quizzes.factories import QuizFactory

pytestmark = pytest.mark.django_db


def test_topic_used_by_a_quiz_cannot_be_deleted(editor_client):
    quiz = QuizFactory(draws=[("消控室", 5)])
    tag = QuestionTag.objects.get(name="消控室")
    url = reverse("wagtailsnippets_quizzes_questiontag:delete", args=[tag.pk])
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url)
    assert response.status_code in (200, 302, 403)
    assert QuestionTag.objects.filter(pk=tag.pk).exists()
    assert DrawRule.objects.filter(quiz=quiz).exists()
