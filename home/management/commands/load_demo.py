from contextlib import contextmanager

from modelsearch import index
from modelsearch.signal_handlers import post_save_signal_handler

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from accounts.demo import DEMO_PASSWORD
from alerts import demo as alerts_demo
from courses import demo as courses_demo
from drills import demo as drills_demo
from drills import unit_drills_demo
from editorial.content_files import ContentFileError
from handbooks import demo as handbooks_demo
from home import demo as home_demo
from inspections import demo as inspections_demo
from organisations import demo as organisations_demo
from quizzes import demo as quizzes_demo
from videos import demo as videos_demo
from volunteers import demo as volunteers_demo


@contextmanager
def search_index_deferred():
    """Skip per-save search indexing meanwhile; yields a function telling if anything was saved."""
    models = [m for m in index.get_indexed_models() if getattr(m, "search_auto_update", True)]
    saved = []

    def note_save(**kwargs):
        saved.append(True)

    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_save.connect(note_save, sender=model, weak=False)
    try:
        yield lambda: bool(saved)
    finally:
        for model in models:
            post_save.disconnect(note_save, sender=model)
            post_save.connect(post_save_signal_handler, sender=model)


# The accounts of DESIGN.md's public contract, as printed at the end.
DEMO_ACCOUNTS = [
    "admin",
    "editor",
    "reviewer",
    "district",
    "town",
    "edu_dept",
    "responsible",
    "manager",
    "operator",
    "staff",
    "teacher",
    "student",
    "volunteer_lead",
    "volunteer",
]


def check_content_files():
    """Read and check every file of content/ and the references between them; save nothing.

    Raises ContentFileError naming the file and the place of the first problem.
    """
    home_demo.home_file()
    videos_demo.videos_file()
    rows = quizzes_demo.bank_rows()
    quizzes_demo.bank_rows(quizzes_demo.DRAFTS)
    quizzes_demo.quiz_specs(tags={tag for row in rows for tag in row.tags})
    district = organisations_demo.district_file()
    quizzes_demo.attempts_file(
        quiz_slugs=quizzes_demo.quiz_slugs(),
        usernames={account["username"] for account in district["accounts"]},
    )
    courses = courses_demo.course_files(quiz_slugs=quizzes_demo.quiz_slugs())
    campaigns = courses_demo.campaign_files(course_slugs={data["slug"] for _path, data in courses})
    courses_demo.progress_file(
        courses={data["slug"]: len(data["lessons"]) for _path, data in courses},
        usernames={account["username"] for account in district["accounts"]},
        campaign_slugs={data["slug"] for _path, data in campaigns},
    )
    volunteers_demo.volunteers_file(
        team_names={team["name"] for team in district["volunteer_teams"]},
        course_slugs={data["slug"] for _path, data in courses},
    )
    courses_demo.index_file()
    handbooks_demo.index_file()
    alerts_demo.index_file()
    handbooks = handbooks_demo.handbook_files(
        lesson_paths={
            f"{data['slug']}/{lesson['slug']}"
            for _path, data in courses
            for lesson in data["lessons"]
        }
    )
    alerts_demo.alert_files(handbook_slugs={data["slug"] for _path, data in handbooks})
    inspections_demo.rounds_file(handbooks=handbooks, district=district)
    drills_demo.sessions_file()
    unit_drills_demo.drills_file()


# Each app's loader, in dependency order. Each creates only what is missing.
LOADERS = [
    home_demo.load,
    organisations_demo.load,
    quizzes_demo.load,
    courses_demo.load,
    handbooks_demo.load,
    alerts_demo.load,
    volunteers_demo.load,
    inspections_demo.load,  # walks a handbook, for a unit of the district
    drills_demo.load,  # sessions of a practical lesson, rosters of the district's accounts
    unit_drills_demo.load,  # the units' drills, after inspections (a problem becomes a hazard)
]


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
        try:
            # All files first, so that a broken one stops the demo before anything is saved.
            check_content_files()
        except (ContentFileError, videos_demo.DemoVideoError) as error:
            raise CommandError(str(error)) from error
        with search_index_deferred() as changed:
            note = videos_demo.load()  # before the courses, whose video lesson names it
            if note:
                self.stdout.write(note)
            for loader in LOADERS:
                loader()
        if changed():
            # One bulk rebuild instead of re-indexing each page at every save and publish.
            call_command("update_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS(_("Demo loaded.")))
        self.stdout.write(
            _("Demo accounts (see README): %(accounts)s; password: %(password)s")
            % {"accounts": ", ".join(DEMO_ACCOUNTS), "password": DEMO_PASSWORD}
        )
