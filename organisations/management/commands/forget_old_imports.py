from django.core.management.base import BaseCommand

from organisations.pending_imports import forget_expired


class Command(BaseCommand):
    help = (
        "Delete expired member imports with their files (uploaded sheets, one-time passwords "
        "sheets not downloaded); run daily from cron."
    )

    def handle(self, *args, **options):
        count = forget_expired()
        self.stdout.write(f"{count} expired import(s) deleted.")
