"""Demo question bank, one quiz per demo course topic, and a few graded attempts."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.demo import ensure_user

from . import services
from .demo_content import QUESTIONS
from .models import Choice, DrawRule, QuestionTag, Quiz

# slug → settings and draws (topic, count). Courses find their quiz by these slugs.
QUIZZES = [
    {
        "slug": "responsible-person-quiz",
        "title": "社会单位消防安全责任人、管理人培训测验",
        "intro": "检验对消防法规、单位消防安全职责和防火巡查检查要求的掌握情况。80分合格，可作答3次。",
        "pass_mark": 80,
        "attempts_allowed": 3,
        "review_policy": Quiz.Review.EXPLANATIONS,
        "draws": [("单位责任", 4), ("消防法规", 4), ("防火巡查检查", 2)],
    },
    {
        "slug": "control-room-operator-exam",
        "title": "消控室值班操作人员轮训考试",
        "intro": "消控室值班操作人员年度轮训考试，限时30分钟，80分合格，可作答3次；通过后可查看解析。",
        "pass_mark": 80,
        "time_limit_minutes": 30,
        "attempts_allowed": 3,
        "review_policy": Quiz.Review.ONCE_PASSED,
        "draws": [("消控室", 20)],
    },
    {
        "slug": "e-bike-fire-safety-quiz",
        "title": "电动自行车消防安全测验",
        "intro": "电动自行车停放、充电和火灾预防常识。",
        "pass_mark": 60,
        "review_policy": Quiz.Review.EXPLANATIONS,
        "draws": [("电动自行车", 8)],
    },
    {
        "slug": "extinguisher-hydrant-quiz",
        "title": "灭火器与消火栓使用测验",
        "intro": "灭火器的选用和使用方法，室内消火栓的使用。",
        "pass_mark": 60,
        "review_policy": Quiz.Review.RIGHT_WRONG,
        "draws": [("灭火器", 6), ("消火栓", 4)],
    },
    {
        "slug": "school-first-lesson-quiz",
        "title": "开学第一课小测验",
        "intro": "校园消防安全和疏散逃生知识小测验，交卷后可以看到每道题的答案和解析。",
        "pass_mark": 60,
        "review_policy": Quiz.Review.EXPLANATIONS,
        "draws": [("校园安全", 6), ("疏散逃生", 4)],
    },
    {
        "slug": "grassroots-inspection-quiz",
        "title": "基层治理骨干检查要点测验",
        "intro": "防火检查要点、重点场所和用火用电隐患识别。",
        "pass_mark": 70,
        "attempts_allowed": 3,
        "review_policy": Quiz.Review.EXPLANATIONS,
        "draws": [("防火巡查检查", 5), ("重点场所", 3), ("用火用电", 2)],
    },
]

# Demo learners (usernames from the organisations demo) and the quiz each has taken.
DEMO_TAKERS = [
    ("responsible", "responsible-person-quiz"),
    ("operator", "control-room-operator-exam"),
    ("student", "school-first-lesson-quiz"),
]
# Three learners of this app's own so the statistics report has data; 示例 marks them invented.
SAMPLE_LEARNERS = [
    ("quiz_learner_1", "示例学员甲", 0.9),
    ("quiz_learner_2", "示例学员乙", 0.7),
    ("quiz_learner_3", "示例学员丙", 0.45),
]


def load():
    """Create what is missing; running it again changes nothing."""
    with transaction.atomic():
        services.import_questions(QUESTIONS)
        quizzes = {spec["slug"]: _quiz(spec) for spec in QUIZZES}
    User = get_user_model()
    for username, slug in DEMO_TAKERS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            _take(user, quizzes[slug], skill=0.85, seed=username, days_ago=3)
    for number, (username, name, skill) in enumerate(SAMPLE_LEARNERS, start=1):
        user = ensure_user(username, name)
        for offset, quiz in enumerate(quizzes.values()):
            _take(user, quiz, skill=skill, seed=f"{username}-{quiz.slug}", days_ago=number + offset)


def _quiz(spec):
    quiz = Quiz.objects.filter(slug=spec["slug"]).first()
    if quiz is not None:
        return quiz
    fields = {k: v for k, v in spec.items() if k != "draws"}
    quiz = Quiz.objects.create(shuffle_questions=True, shuffle_choices=True, **fields)
    for position, (topic, count) in enumerate(spec["draws"]):
        DrawRule.objects.create(
            quiz=quiz, tag=QuestionTag.objects.get(name=topic), count=count, sort_order=position
        )
    return quiz


def _take(user, quiz, *, skill, seed, days_ago):
    """One graded attempt, answered right with probability `skill`, unless the person has one."""
    if quiz.attempts.filter(user=user).exists():
        return
    rng = random.Random(seed)  # noqa: S311 - demo answers, not security
    started = timezone.now() - timedelta(days=days_ago, hours=rng.randint(1, 8))
    attempt = services.start_attempt(user, quiz, now=started)
    right = {}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=attempt.question_ids, is_correct=True
    ).values_list("question_id", "id"):
        right.setdefault(question_id, []).append(choice_id)
    answers = {}
    for question_id in attempt.question_ids:
        options = attempt.choice_order[str(question_id)]
        if rng.random() < skill:
            answers[str(question_id)] = right[question_id]
        else:
            wrong = [c for c in options if c not in right[question_id]]
            answers[str(question_id)] = [rng.choice(wrong)]
    services.submit_attempt(attempt, answers, now=started + timedelta(minutes=rng.randint(4, 15)))
