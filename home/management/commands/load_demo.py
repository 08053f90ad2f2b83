from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.demo import DEMO_PASSWORD
from courses import demo as courses_demo
from home import demo as home_demo
from organisations import demo as organisations_demo
from volunteers import demo as volunteers_demo

# Each app's loader, in dependency order. Each creates only what is missing.
LOADERS = [home_demo.load, organisations_demo.load, courses_demo.load, volunteers_demo.load]


class Command(BaseCommand):
    help = _("Load the demo district, content and accounts. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Load the demo even with production settings."),
        )

    def handle(self, *args, force=False, **options):
        if getattr(settings, "IS_PRODUCTION", False) and not force:
            raise CommandError(
                _(
                    "Refusing to load demo data with production settings: the demo accounts "
                    "share a published password. Use --force if you really mean it."
                )
            )
        for loader in LOADERS:
            loader()
        self.stdout.write(self.style.SUCCESS(_("Demo loaded.")))
        self.stdout.write(
            _("Demo accounts (see README): admin, editor, reviewer; password: %(password)s")
            % {"password": DEMO_PASSWORD}
        )
