"""我的学习, a course page and a lesson page at district scale: python -m benchmarks.learning

Uses the course and histories that benchmarks.reports adds to the generated district (run that
first); the learner is one with a course in progress. Also run by benchmarks.run.
"""

import statistics
import sys
import time

from .setup import run_module


def _median(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(queries)


def run(repeat):
    from django.test import Client

    from wagtail.models import Site

    from courses.models import CoursePage, Enrolment

    from .reports import COURSE_SLUG, prepare

    prepare()
    course = CoursePage.objects.get(slug=COURSE_SLUG)
    site = Site.objects.get(is_default_site=True)
    if not course.path.startswith(site.root_page.path):
        # Pages are served only under a site's root.
        course.move(site.root_page, pos="last-child")
        course = CoursePage.objects.get(pk=course.pk)
    enrolment = (
        Enrolment.objects.filter(course=course, completed_at__isnull=True)
        .select_related("user")
        .first()
    )
    client = Client(HTTP_HOST=site.hostname)
    client.force_login(enrolment.user)
    lesson = course.get_lessons().last()
    rows = []
    for label, url in (
        ("learning: 我的学习", "/learn/"),
        ("learning: course page (10 lessons)", course.url),
        ("learning: lesson page", lesson.url),
    ):
        median, queries = _median(client, url, repeat)
        rows.append((label, median, queries))
    return rows


def main(argv=None):
    return run_module(__doc__, run, argv, repeat=5)


if __name__ == "__main__":
    sys.exit(main())
