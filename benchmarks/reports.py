"""Completion roll-ups at district scale: python -m benchmarks.reports [--repeat 3]

Adds to the generated district (benchmarks.generate) a yearly course with 10 lessons, a
district-wide requirement for the unit roles, and for every person concerned a realistic
history — valid, expiring, expired, in progress or nothing — with 10 lesson-progress rows per
enrolment (about 2,000,000 rows at 200,000 people) and a best quiz score on completed cycles.
Then times the district and town roll-ups, a town's and a unit's people lists, and the export
of the whole district's people as CSV and as Excel with their peak memory. Also run by
`python -m benchmarks.run` through its EXTRA_MODULES hook.
"""

import random
import sys
import time
import tracemalloc
from datetime import date, timedelta

from .setup import median_seconds, run_module

COURSE_SLUG = "bench-yearly"
LESSONS = 10
ROLES = ["responsible", "manager", "operator", "staff"]


def prepare():
    """Create the course, requirement and histories once; later runs reuse them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from wagtail.models import Page

    from courses.models import (
        CoursePage,
        Enrolment,
        LessonPage,
        LessonProgress,
        TrainingRequirement,
    )
    from organisations.models import Membership, Organisation

    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is not None:
        _scores(course)
        return course
    root = Page.get_first_root_node()
    with transaction.atomic():
        course = CoursePage(
            title="基准测试年度轮训", slug=COURSE_SLUG, summary="基准", validity_months=12
        )
        root.add_child(instance=course)
        lessons = []
        for number in range(LESSONS):
            lesson = LessonPage(title=f"第{number + 1}课", slug=f"l{number}")
            course.add_child(instance=lesson)
            lessons.append(lesson)
        district = Organisation.objects.get(depth=1)
        requirement = TrainingRequirement.objects.create(
            course=course,
            organisation=district,
            roles=ROLES,
            due_date=date.today() - timedelta(days=30),
            renewal_months=12,
        )
    now = timezone.now()
    rng = random.Random(119)
    user_ids = list(
        Membership.objects.filter(role__in=requirement.roles, ended_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    batch = 2000
    for start in range(0, len(user_ids), batch):
        enrolments = []
        for user_id in user_ids[start : start + batch]:
            draw = rng.random()
            if draw < 0.5:  # valid
                done = now - timedelta(days=rng.randint(1, 330))
            elif draw < 0.6:  # expiring within 30 days
                done = now - timedelta(days=rng.randint(340, 364))
            elif draw < 0.75:  # expired
                done = now - timedelta(days=rng.randint(370, 700))
            elif draw < 0.9:  # in progress
                done = None
            else:
                continue
            started = (done or now) - timedelta(days=rng.randint(1, 20))
            enrolments.append(
                Enrolment(
                    user_id=user_id,
                    course=course,
                    started_at=started,
                    last_activity_at=done or now - timedelta(days=rng.randint(0, 20)),
                    completed_at=done,
                    expires_at=done + timedelta(days=365) if done else None,
                )
            )
        with transaction.atomic():
            created = Enrolment.objects.bulk_create(enrolments)
            LessonProgress.objects.bulk_create(
                [
                    LessonProgress(
                        enrolment=enrolment,
                        lesson=lesson,
                        completed_at=enrolment.completed_at or enrolment.started_at,
                    )
                    for enrolment in created
                    for lesson in lessons
                ],
                batch_size=5000,
            )
    _scores(course)
    if connection.vendor == "postgresql":
        # What autovacuum would soon do after such a load; plans rest on these statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return course


def _scores(course):
    """Best quiz scores of 60–100 on completed cycles (databases prepared before scores existed
    get them on the next run)."""
    from django.db.models import F

    from courses.models import Enrolment

    Enrolment.objects.filter(
        course=course, completed_at__isnull=False, best_score__isnull=True
    ).update(best_score=60 + F("id") % 41)


def run(repeat):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from courses.models import LessonProgress, TrainingRequirement
    from organisations.models import Membership

    started = time.perf_counter()
    course = prepare()
    prepared = time.perf_counter() - started
    requirement = TrainingRequirement.objects.get(course=course)
    User = get_user_model()
    rows = [
        (
            f"reports: prepare histories ({LessonProgress.objects.count():,} progress rows)",
            prepared,
            None,
        )
    ]
    cases = [
        ("district", "reports: district roll-up", "/reports/"),
        ("town", "reports: town roll-up", "/reports/"),
        ("town", "reports: a town's people list, page 1", "/reports/people/"),
        ("manager", "reports: a unit's people list", "/reports/"),
    ]
    for who, label, url in cases:
        user = User.objects.get(username=f"bench_{who}")
        organisation = Membership.objects.get(user=user, role="coordinator").organisation
        client = Client()
        client.force_login(user)
        params = {"requirement": requirement.pk, "organisation": organisation.pk}
        response = client.get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code} for {who}")
        rows.append(
            (label, median_seconds(lambda c=client, u=url, p=params: c.get(u, p), repeat), None)
        )

    district_user = User.objects.get(username="bench_district")
    district = Membership.objects.get(user=district_user, role="coordinator").organisation
    client = Client()
    client.force_login(district_user)
    params = {"requirement": requirement.pk, "organisation": district.pk}

    def csv_export():
        response = client.get("/reports/export/people.csv", params)
        return sum(chunk.count(b"\n") for chunk in response.streaming_content)

    elapsed, peak, lines = _timed_then_traced(csv_export)
    label = f"reports: people export, {lines:,} CSV lines (peak {peak / 2**20:.0f} MiB)"
    rows.append((label, elapsed, None))
    elapsed, peak, (done, size) = _timed_then_traced(lambda: _excel_export(client, params))
    rows.append(
        (
            f"reports: people export, Excel, {done:,} rows written in the background "
            f"({size / 2**20:.1f} MiB file, peak {peak / 2**20:.0f} MiB)",
            elapsed,
            None,
        )
    )
    return rows


def _timed_then_traced(func):
    """Time one run, then trace another for its peak Python memory (tracing slows it down)."""
    started = time.perf_counter()
    func()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    result = func()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, result


def _excel_export(client, params):
    """Above the size limit the Excel export is a background task (run in-process here)."""
    from django.db import transaction

    from reports.models import Export

    with transaction.atomic():  # commit hooks run at the end of the block, as after a request
        response = client.get("/reports/export/people.xlsx", params)
    if response.status_code != 302:
        raise SystemExit(f"the Excel export answered {response.status_code}, not a redirect")
    export = Export.objects.latest("created_at")
    if export.status != Export.Status.DONE:
        raise SystemExit(f"the Excel export ended {export.status}")
    size = export.file.size
    export.file.delete(save=False)
    export.delete()
    return export.rows_done, size


def main(argv=None):
    return run_module(__doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
