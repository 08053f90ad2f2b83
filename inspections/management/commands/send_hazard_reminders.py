from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from inspections.reminders import send_hazard_reminders


class Command(BaseCommand):
    help = (
        "Remind the people responsible for hazards still to rectify: "
        "HAZARD_REMINDER_DAYS_BEFORE days before the deadline and on the first overdue day. "
        "Run daily from cron; each reminder is sent once, so a second run sends nothing new."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            sent = send_hazard_reminders()
        self.stdout.write(
            f"{sent['due_soon']} reminder(s) of a near deadline, "
            f"{sent['overdue']} of an overdue hazard sent."
        )
