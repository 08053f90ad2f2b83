from django.core.management.base import BaseCommand

from idempotency.submits import forget_old


class Command(BaseCommand):
    help = "Delete submit keys older than IDEMPOTENCY_KEYS_KEPT_DAYS (run daily from cron)."

    def handle(self, *args, **options):
        count = forget_old()
        self.stdout.write(f"{count} old submit keys deleted.")
