"""The demo's hands-on training sessions from content/drills/sessions.yaml: one held last week
with its roster (present, late, no-show) and the instructor's skills sign-off (all 达标, one
未达标), one next week, full, with a waiting list.

An upcoming session's places are taken through the sign-up service, as learners would take
them; a past one cannot be signed up for, so its roster is written as the instructor's check-in
would have left it.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import LessonPage
from editorial import content_files
from editorial.content_files import ContentFileError
from organisations.demo import district_file
from organisations.models import Organisation

from . import sessions as services
from .models import Enrolment, TrainingSession
from .session_access import town_of
from .signoffs import sign_off

KEYS = {"lesson", "sessions"}
SESSION_KEYS = {
    "organisation",
    "open_to",
    "days_from_today",
    "at",
    "ends",
    "place",
    "capacity",
    "signup_days_before",
    "instructors",
    "roster",
}
OPTIONAL_KEYS = {"map_url", "note", "waiting"}
ATTENDANCE = {"present", "late", "no_show"}


def path():
    return content_files.content_dir() / "drills" / "sessions.yaml"


def sessions_file():
    """content/drills/sessions.yaml, checked."""
    file = path()
    data = content_files.mapping(file, content_files.read(file))

    def fail(message, place):
        raise ContentFileError(file, message, place)

    def keys(entry, required, optional, place):
        content_files.mapping(file, entry, place)
        unknown = sorted(set(entry) - required - optional)
        if unknown:
            fail(_("Unknown key “%(key)s”.") % {"key": unknown[0]}, (*place, unknown[0]))
        for key in sorted(required):
            if entry.get(key) in (None, ""):
                fail(_("“%(key)s” is required.") % {"key": key}, (*place, key))

    keys(data, KEYS, set(), ())
    district = district_file()
    people = {account["username"] for account in district["accounts"]}
    people |= {member["name"] for member in district["members"]}

    def person(value, where):
        if value not in people:
            fail(_("No account or member “%(name)s” in content/organisations.yaml.")
                 % {"name": value}, where)  # fmt: skip

    for index, entry in enumerate(data["sessions"]):
        place = ("sessions", index)
        keys(entry, SESSION_KEYS, OPTIONAL_KEYS, place)
        if entry["open_to"] not in ("own", "town"):
            fail(_("Expected “own” or “town”."), (*place, "open_to"))
        for number, name in enumerate(entry["instructors"]):
            person(name, (*place, "instructors", number))
        on_it = [row.get("user") for row in entry["roster"]] + list(entry.get("waiting", []))
        for number, row in enumerate(entry["roster"]):
            where = (*place, "roster", number)
            person(row.get("user"), where)
            if row.get("attendance", "present") not in ATTENDANCE:
                fail(_("Expected present, late or no_show."), (*where, "attendance"))
            if entry["days_from_today"] > 0 and row.get("attendance"):
                fail(_("An upcoming session has no attendance yet."), (*where, "attendance"))
            signoff = row.get("signoff")
            if signoff is not None and (
                row.get("attendance", "present") == "no_show"
                or not (signoff == "pass" or _failed_titles(signoff) is not None)
            ):
                fail(_("Expected “pass”, or “failed” with skill titles, for someone who came."),
                     (*where, "signoff"))  # fmt: skip
        for number, name in enumerate(entry.get("waiting", [])):
            person(name, (*place, "waiting", number))
        for number, name in enumerate(entry["instructors"]):
            if name in on_it:
                fail(_("An instructor is not a learner on their own session."),
                     (*place, "instructors", number))  # fmt: skip
    return data


def _failed_titles(signoff):
    """The skill titles a roster row's sign-off fails ({failed: [...], note: ...}), else None."""
    if not isinstance(signoff, dict) or set(signoff) - {"failed", "note"}:
        return None
    failed = signoff.get("failed")
    if not isinstance(failed, list) or not all(isinstance(title, str) for title in failed):
        return None
    return failed


def _sign_off(instructor, enrolment, signoff, lesson, at):
    """The instructor's verdicts as the file gives them (every skill 达标, or these 未达标)."""
    failed = set() if signoff == "pass" else set(_failed_titles(signoff))
    checklist = lesson.skill_checklist()
    unknown = failed - {title for _id, title, _standard in checklist}
    if unknown:
        raise ContentFileError(path(), _("No skill “%(title)s” in the lesson's checklist.")
                               % {"title": sorted(unknown)[0]}, ("sessions",))  # fmt: skip
    note = "" if signoff == "pass" else signoff.get("note", "")
    results = {
        skill_id: (title not in failed, note if title in failed else "")
        for skill_id, title, _standard in checklist
    }
    sign_off(instructor, enrolment, results, now=at)


def _organisation(where):
    district = district_file()["district"]
    node = Organisation.get_root_nodes().filter(name=district).first()
    for name in [part for part in where.split("/") if part]:
        node = node.get_children().filter(name=name).first() if node else None
    return node


def _person(name):
    return get_user_model().objects.filter(Q(username=name) | Q(name=name)).first()


def _at(days, clock):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=timezone.get_current_timezone())


def load():
    """Create the sessions once: a lesson with any session already is left as it is."""
    data = sessions_file()
    course_slug, lesson_slug = data["lesson"].split("/")
    lesson = next(
        (
            candidate
            for candidate in LessonPage.objects.live().filter(
                slug=lesson_slug, kind=LessonPage.Kind.PRACTICAL
            )
            if candidate.get_parent().slug == course_slug
        ),
        None,
    )
    if lesson is None or TrainingSession.objects.filter(lesson=lesson).exists():
        return
    with transaction.atomic():
        for entry in data["sessions"]:
            _session(lesson, entry)


def _session(lesson, entry):
    organisation = _organisation(entry["organisation"])
    starts = _at(entry["days_from_today"], entry["at"])
    instructors = [_person(name) for name in entry["instructors"]]
    session = TrainingSession.objects.create(
        lesson=lesson,
        organisation=organisation,
        open_to=organisation if entry["open_to"] == "own" else town_of(organisation),
        starts_at=starts,
        ends_at=_at(entry["days_from_today"], entry["ends"]),
        signup_deadline=starts - timedelta(days=entry["signup_days_before"]),
        place=entry["place"],
        map_url=entry.get("map_url", ""),
        capacity=entry["capacity"],
        note=entry.get("note", ""),
        created_by=instructors[0],
    )
    session.instructors.set(instructors)
    if starts > timezone.now():
        for row in entry["roster"]:
            services.sign_up(_person(row["user"]), session)
        for name in entry.get("waiting", []):
            services.sign_up(_person(name), session)
        return
    signed_up = starts - timedelta(days=entry["signup_days_before"] + 2)
    for number, row in enumerate(entry["roster"]):
        attendance = row.get("attendance", "present")
        checked_in = (
            datetime.combine(
                starts.date(), time.fromisoformat(row["checked_in"]), tzinfo=starts.tzinfo
            )
            if row.get("checked_in")
            else None
        )
        enrolment = Enrolment.objects.create(
            session=session,
            user=_person(row["user"]),
            state=Enrolment.State.CONFIRMED,
            signed_up_at=signed_up + timedelta(minutes=number * 7),
            attendance=attendance,
            checked_in_at=checked_in,
        )
        if row.get("signoff") is not None:
            at = session.ends_at - timedelta(minutes=10 * (len(entry["roster"]) - number))
            _sign_off(instructors[0], enrolment, row["signoff"], lesson, at)
    session.roster_closed_at = session.ends_at + timedelta(minutes=5)
    session.save(update_fields=["roster_closed_at"])
