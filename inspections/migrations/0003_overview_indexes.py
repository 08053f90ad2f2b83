from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_records"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="round",
            index=models.Index(
                fields=["unit", "kind", "status", "started_at"], name="round_last_of_kind"
            ),
        ),
    ]
