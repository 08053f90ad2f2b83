from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from drills.reminders import send_session_reminders


class Command(BaseCommand):
    help = (
        "Remind the people on the roster of tomorrow's hands-on training sessions, and record "
        "the no-shows of sessions that ended before today. Run daily from cron; each reminder "
        "is sent once, so a second run sends nothing new."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            reminded, no_shows = send_session_reminders()
        self.stdout.write(f"{reminded} reminder(s) sent, {no_shows} no-show(s) recorded.")
