"""The quiz intro facts read as Chinese sentences: full-width colon, the count left in brackets."""

import re

from django.urls import reverse

from quizzes import services


def facts(client, quiz):
    page = client.get(reverse("quizzes:quiz", args=[quiz.slug])).content.decode()
    block = page[page.index('class="quiz-facts"') : page.index("</ul>", page.index("quiz-facts"))]
    return [
        re.sub(r"\s+", " ", re.sub("<[^>]+>", "", item)).strip() for item in block.split("<li>")[1:]
    ]


def test_limits_and_attempts_left(signed_in_client, learner, make_quiz):
    quiz = make_quiz(3, pass_mark=80, time_limit_minutes=20, attempts_allowed=3)
    services.submit_attempt(services.start_attempt(learner, quiz), {})
    assert facts(signed_in_client, quiz) == [
        "合格分数线：80%",
        "限时：20 分钟",
        "可作答次数：3（还剩 2 次）",
    ]


def test_no_limits(client, make_quiz):
    quiz = make_quiz(3, pass_mark=60, time_limit_minutes=None, attempts_allowed=0)
    assert facts(client, quiz) == ["合格分数线：60%", "限时：不限", "可作答次数：不限"]
