from django.db import migrations, models


def credit_what_was_watched(apps, schema_editor):
    """Progress recorded before: credited with what it watched, so nobody starts behind."""
    LessonProgress = apps.get_model("courses", "LessonProgress")
    changed = []
    rows = LessonProgress.objects.exclude(video_watched=[]).only("pk", "video_watched")
    for progress in rows.iterator(chunk_size=500):
        progress.video_credit_seconds = sum(end - start for start, end in progress.video_watched)
        changed.append(progress)
        if len(changed) == 500:
            LessonProgress.objects.bulk_update(changed, ["video_credit_seconds"])
            changed = []
    LessonProgress.objects.bulk_update(changed, ["video_credit_seconds"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_enrolment_best_score"),
    ]

    operations = [
        migrations.AddField(
            model_name="lessonprogress",
            name="video_credit_seconds",
            field=models.FloatField(default=0, verbose_name="video time credited (s)"),
        ),
        migrations.RunPython(credit_what_was_watched, migrations.RunPython.noop),
    ]
