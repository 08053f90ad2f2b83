"""开学第一课 at district scale: python -m benchmarks.campaigns [--repeat 3]

Adds to the generated district (benchmarks.generate: about 60,000 students in 2,000 classes of
200 schools) a campaign course, a CampaignPage over the whole district with a 30-day window,
and completions inside the window for about 60 % of the students. Then times the public
participation board without its one-minute cache, the education bureau's view by school, and
one school's view by class. Also run by `python -m benchmarks.run` through its EXTRA_MODULES hook.
"""

import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as day_time

from .setup import median_seconds, run_module

COURSE_SLUG = "bench-first-lesson"
CAMPAIGN_SLUG = "bench-first-lesson-campaign"
STARTS, ENDS = date(2026, 9, 1), date(2026, 9, 30)


def prepare():
    """Course, campaign and completions once; later runs reuse them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from wagtail.models import Page

    from courses.models import CampaignPage, CoursePage, Enrolment, LessonPage
    from organisations.models import Membership, Organisation

    campaign = CampaignPage.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is not None:
        return campaign
    root = Page.get_first_root_node()
    district = Organisation.objects.get(depth=1)
    with transaction.atomic():
        course = CoursePage(title="基准测试开学第一课", slug=COURSE_SLUG, summary="基准")
        root.add_child(instance=course)
        course.add_child(instance=LessonPage(title="第1课", slug="l1"))
        campaign = CampaignPage(
            title="基准测试开学第一课活动",
            slug=CAMPAIGN_SLUG,
            course=course,
            starts_on=STARTS,
            ends_on=ENDS,
            target=district,
        )
        root.add_child(instance=campaign)
    rng = random.Random(901)
    students = list(
        Membership.objects.filter(role="student", ended_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    start = timezone.make_aware(datetime.combine(STARTS, day_time(8)))
    enrolments = []
    for user_id in students:
        if rng.random() >= 0.6:
            continue
        done = start + timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 600))
        enrolments.append(
            Enrolment(
                user_id=user_id,
                course=course,
                started_at=done - timedelta(minutes=30),
                last_activity_at=done,
                completed_at=done,
            )
        )
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return campaign


def run(repeat):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from courses.campaigns import public_board
    from organisations.models import Organisation

    started = time.perf_counter()
    campaign = prepare()
    rows = [("campaigns: prepare (course, campaign, completions)", time.perf_counter() - started)]

    def board_uncached():
        cache.delete(f"campaign-board:{campaign.pk}")
        return public_board(campaign)

    board = board_uncached()
    rows.append(
        (
            f"campaigns: public board, {len(board['rows'])} schools, "
            f"{board['total'].students:,} students, not cached",
            median_seconds(board_uncached, repeat),
        )
    )
    edu = Client()
    edu.force_login(get_user_model().objects.get(username="bench_edu"))
    overview = f"/manage/campaigns/{campaign.pk}/"
    if edu.get(overview).status_code != 200:
        raise SystemExit("the bureau's campaign view did not answer 200")
    rows.append(
        ("campaigns: bureau view by school", median_seconds(lambda: edu.get(overview), repeat))
    )
    school = Organisation.objects.filter(kind="school").order_by("path").first()
    rows.append(
        (
            "campaigns: one school by class",
            median_seconds(lambda: edu.get(overview, {"school": school.pk}), repeat),
        )
    )
    return [(label, seconds, None) for label, seconds in rows]


def main(argv=None):
    return run_module(__doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
