import pytest

from django.core.management import call_command

from accounts.demo import ensure_user
from quizzes import item_analysis
from quizzes.demo import quiz_specs
from quizzes.models import Attempt, Question, Quiz

pytestmark = pytest.mark.django_db


def test_demo_loads_the_bank_quizzes_and_attempts_once():
    ensure_user("student", "示例学生")
    call_command("load_demo")
    quizzes = quiz_specs()
    assert Question.objects.count() >= 120
    assert set(Quiz.objects.values_list("slug", flat=True)) == {q["slug"] for q in quizzes}
    assert Quiz.objects.get(slug="control-room-operator-exam").time_limit_minutes
    assert Attempt.objects.filter(user__username="student", status="graded").count() == 1
    assert Attempt.objects.filter(user__name__startswith="示例学员").count() == 3 * len(quizzes)
    # The cohort's lure makes the elevator statement flagged whatever questions the draws picked
    # (they are random, so another question may be flagged by chance too).
    flagged = {item.question.stem: item for item in item_analysis.flagged()}
    elevator = flagged["着火时坐普通电梯下楼最快，最安全。"]
    assert any("选 A 的人最多" in reason for reason in elevator.reasons)
    counts = (Question.objects.count(), Attempt.objects.count())
    call_command("load_demo")
    assert (Question.objects.count(), Attempt.objects.count()) == counts
