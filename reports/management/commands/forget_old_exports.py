from django.conf import settings
from django.core.management.base import BaseCommand

from reports.background import forget_old_exports


class Command(BaseCommand):
    help = (
        "Delete report exports (files and records) older than REPORTS_EXPORTS_KEPT_HOURS; "
        "run daily from cron, since they hold names and phone numbers."
    )

    def handle(self, *args, **options):
        count = forget_old_exports()
        self.stdout.write(
            f"{count} export(s) older than {settings.REPORTS_EXPORTS_KEPT_HOURS} h deleted."
        )
