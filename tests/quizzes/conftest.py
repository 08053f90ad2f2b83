import pytest

from quizzes import services
from tests.quizzes.factories import QuestionFactory, QuizFactory


@pytest.fixture
def make_quiz(db):
    """A quiz of n fixed questions: single (A right), multiple (A and C right), true/false (A)."""

    def make(n=3, **kwargs):
        questions = []
        for i in range(n):
            kind = ["single", "multiple", "truefalse"][i % 3]
            right = "AC" if kind == "multiple" else "A"
            questions.append(QuestionFactory(kind=kind, right=right))
        return QuizFactory(questions=questions, **kwargs)

    return make


@pytest.fixture
def quiz(make_quiz):
    return make_quiz(3)


@pytest.fixture
def attempt(quiz, learner):
    return services.start_attempt(learner, quiz)


def right_answers(attempt):
    """{question id (str): [right choice ids]} for an attempt."""
    from quizzes.models import Choice

    answers = {str(q): [] for q in attempt.question_ids}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=attempt.question_ids, is_correct=True
    ).values_list("question_id", "id"):
        answers[str(question_id)].append(choice_id)
    return answers


@pytest.fixture
def admin_client(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="quiz-admin", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def editor_client(client, db):
    """A Wagtail editor who may edit questions and quizzes but is not a superuser."""
    from django.contrib.auth.models import Group, Permission

    from tests.factories import UserFactory

    group = Group.objects.create(name="题库编辑")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="quizzes"),
    )
    user = UserFactory(username="quiz-editor", is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    return client
