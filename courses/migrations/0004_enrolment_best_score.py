from django.db import migrations, models


def carry_over_best_scores(apps, schema_editor):
    """Fill best_score from the graded attempts on each course's quiz lessons.

    Historical models cannot call courses.quiz_link; this is the same rule in its simplest
    form: an attempt counts for the latest enrolment started before it was submitted, else for
    the person's first enrolment in the course.
    """
    LessonPage = apps.get_model("courses", "LessonPage")
    Enrolment = apps.get_model("courses", "Enrolment")
    Attempt = apps.get_model("quizzes", "Attempt")
    CoursePage = apps.get_model("courses", "CoursePage")
    steplen = 4  # treebeard's materialised path step used by Wagtail pages
    for lesson in LessonPage.objects.filter(kind="quiz", quiz__isnull=False):
        course = CoursePage.objects.filter(path=lesson.path[:-steplen]).first()
        if course is None:
            continue
        attempts = Attempt.objects.filter(
            quiz_id=lesson.quiz_id, status="graded", score__isnull=False
        )
        cycles_of = {}
        for enrolment in Enrolment.objects.filter(
            course=course, user_id__in=attempts.values("user_id")
        ).order_by("user_id", "started_at"):
            cycles_of.setdefault(enrolment.user_id, []).append(enrolment)
        changed = set()
        for attempt in attempts.values("user_id", "submitted_at", "score"):
            cycles = cycles_of.get(attempt["user_id"])
            if not cycles:
                continue
            started = [c for c in cycles if c.started_at <= attempt["submitted_at"]]
            enrolment = started[-1] if started else cycles[0]
            if enrolment.best_score is None or enrolment.best_score < attempt["score"]:
                enrolment.best_score = attempt["score"]
                changed.add(enrolment)
        Enrolment.objects.bulk_update(changed, ["best_score"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_campaign_page"),
        ("quizzes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="best_score",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="best quiz score"
            ),
        ),
        migrations.RunPython(carry_over_best_scores, migrations.RunPython.noop),
    ]
