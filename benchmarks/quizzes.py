"""Quiz benchmark: the attempt page, autosave and submit at scale, with their query counts.

As a module: ``run(report=print)`` writes into the configured database (the benchmark runner
gives it a throwaway one). Standalone: ``python -m benchmarks.quizzes [--questions 100
--attempts 200]`` creates a test database, runs, and drops it again.
"""

import argparse
import os
import statistics
import time

QUESTIONS_PER_TOPIC = 250
TOPICS = ["消防法规", "灭火器", "消控室", "疏散逃生"]


def _bank():
    """A bank of 1,000 single-choice questions in four topics, written in bulk."""
    from quizzes.models import Choice, Question, QuestionTag, TaggedQuestion, stem_hash

    questions = Question.objects.bulk_create(
        [
            Question(
                kind="single",
                stem=f"基准测试题 {t}-{i}：哪个正确？",
                stem_hash=stem_hash(f"bench {t} {i}"),
            )
            for t in range(len(TOPICS))
            for i in range(QUESTIONS_PER_TOPIC)
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(question=q, text=f"选项{n}", is_correct=n == 0, sort_order=n)
            for q in questions
            for n in range(4)
        ]
    )
    tags = [QuestionTag.objects.get_or_create(name=f"基准-{name}")[0] for name in TOPICS]
    TaggedQuestion.objects.bulk_create(
        [
            TaggedQuestion(content_object=q, tag=tags[index // QUESTIONS_PER_TOPIC])
            for index, q in enumerate(questions)
        ]
    )
    return tags


def _timed(func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The query log keeps at most 9,000 entries; emptied first, it counts this call alone.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
    return result, elapsed * 1000, len(queries)


def _summary(name, samples, queries):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return (
        f"{name:<28} n={len(samples):<4} median {statistics.median(samples):7.1f} ms   "
        f"p95 {p95:7.1f} ms   queries {min(queries)}–{max(queries)}"
    )


def run(report=print, questions=100, attempts=200):
    """Time start, attempt page, autosave and submit for `attempts` learners of one quiz."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from quizzes.models import Choice, DrawRule, Quiz

    tags = _bank()
    quiz = Quiz.objects.create(
        title="基准测验", slug=f"bench-{int(time.time())}", time_limit_minutes=60, pass_mark=60
    )
    per_topic = questions // len(tags)
    for position, tag in enumerate(tags):
        DrawRule.objects.create(quiz=quiz, tag=tag, count=per_topic, sort_order=position)
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(username=f"bench-quiz-{time.time_ns()}-{i}", name=f"基准{i}")
            for i in range(attempts)
        ]
    )
    client = Client()
    timings = {"start": ([], []), "page": ([], []), "answer": ([], []), "submit": ([], [])}

    def sample(key, func):
        result, ms, count = _timed(func)
        timings[key][0].append(ms)
        timings[key][1].append(count)
        return result

    right = dict(
        Choice.objects.filter(question__tagged_items__tag__in=tags, is_correct=True).values_list(
            "question_id", "id"
        )
    )
    for user in users:
        client.force_login(user)
        start_url = reverse("quizzes:start", args=[quiz.slug])
        location = sample("start", lambda url=start_url: client.post(url))["Location"]
        page = sample("page", lambda url=location: client.get(url))
        if page.status_code != 200:
            raise RuntimeError(f"attempt page answered {page.status_code}")
        attempt = quiz.attempts.get(user=user)
        first = attempt.question_ids[0]
        answer_url = reverse("quizzes:answer", args=[attempt.pk])
        sample(
            "answer",
            lambda url=answer_url, q=first: client.post(
                url, {"question": q, "choices": [right[q]]}
            ),
        )
        form = {"form_answers": "1"} | {f"q{q}": right[q] for q in attempt.question_ids}
        submit_url = reverse("quizzes:submit", args=[attempt.pk])
        sample("submit", lambda url=submit_url, data=form: client.post(url, data))
    graded = quiz.attempts.graded().filter(score=100).count()
    report(f"Quiz benchmark: {questions} questions per attempt, {attempts} learners, bank 1,000")
    labels = {
        "start": "start (draw 100 of 1,000)",
        "page": "attempt page (GET)",
        "answer": "autosave one answer",
        "submit": f"submit {questions} answers",
    }
    for key, (samples, queries) in timings.items():
        report(_summary(labels[key], samples, queries))
    report(f"graded with full marks: {graded}/{attempts}")
    return timings


def main():
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--attempts", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(questions=args.questions, attempts=args.attempts)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
