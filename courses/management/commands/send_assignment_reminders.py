from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from courses.assignment_reminders import send_assignment_reminders


class Command(BaseCommand):
    help = (
        "Remind people of their assigned lessons (针对性培训) still open: "
        "ASSIGNMENT_REMINDER_DAYS_BEFORE days before the due date and once overdue. "
        "Run daily from cron; each reminder is sent once, so a second run sends nothing new."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            sent = send_assignment_reminders()
        self.stdout.write(
            f"{sent['due_soon']} reminder(s) of a near due date, "
            f"{sent['overdue']} of an overdue lesson sent."
        )
