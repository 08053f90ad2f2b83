"""Demo volunteer service from content/volunteers.yaml: the two 示例 teams' members, records in
every state, the fire team's course requirement and who has finished it."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo import ensure_user
from courses.models import CoursePage, TrainingRequirement
from editorial import content_files
from editorial.content_files import ContentFileError
from organisations.models import Membership, Organisation

from .models import ServiceRecord

RECORD_KEYS = {"user", "team", "days_ago", "kind", "hours", "place", "description", "status"}
# (section, required keys, optional keys) of content/volunteers.yaml's lists.
SECTION_KEYS = [
    ("volunteers", {"team", "phone", "name"}, set()),
    ("trained", {"user", "days_ago"}, set()),
    ("records", RECORD_KEYS, {"reject_reason"}),
]


def volunteers_file(team_names=None, course_slugs=None):
    """content/volunteers.yaml, checked: each record as ServiceRecord's own validation sees it."""
    path = content_files.content_dir() / "volunteers.yaml"
    data = content_files.mapping(path, content_files.read(path))
    requirement = content_files.mapping(path, data.get("requirement"), ("requirement",))
    if course_slugs is not None and requirement.get("course") not in course_slugs:
        raise ContentFileError(
            path,
            _("No course “%(slug)s” in content/courses/.") % {"slug": requirement.get("course")},
            ("requirement", "course"),
        )
    for section in ("volunteers", "trained", "records"):
        if not isinstance(data.get(section), list):
            raise ContentFileError(path, _("“%(key)s” is required.") % {"key": section}, (section,))
    entries = [(("requirement",), requirement)]
    entries += [((key, i), e) for key in ("volunteers", "records") for i, e in enumerate(data[key])]
    for place, entry in entries:
        content_files.mapping(path, entry, place)
        if team_names is not None and entry.get("team") not in team_names:
            raise ContentFileError(
                path,
                _("No volunteer team “%(name)s” in content/organisations.yaml.")
                % {"name": entry.get("team")},
                (*place, "team"),
            )
    for section, required, optional in SECTION_KEYS:
        for index, entry in enumerate(data[section]):
            content_files.mapping(path, entry, (section, index))
            unknown = sorted(set(entry) - required - optional)
            missing = sorted(required - set(entry))
            if unknown or missing:
                key = (unknown or missing)[0]
                message = _("Unknown key “%(key)s”.") if unknown else _("“%(key)s” is required.")
                raise ContentFileError(path, message % {"key": key}, (section, index, key))
    for index, entry in enumerate(data["records"]):
        place = ("records", index)
        record = _record(entry, volunteer=None, team=None)
        try:
            record.full_clean(exclude=["volunteer", "team", "submitted_by", "verified_by"])
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise ContentFileError(path, " ".join(messages), (*place, name)) from error
    return data


def _record(entry, *, volunteer, team, lead=None):
    decided = entry["status"] != ServiceRecord.Status.SUBMITTED
    try:
        hours = Decimal(str(entry["hours"]))
    except InvalidOperation:
        hours = entry["hours"]  # full_clean says what is wrong with it
    return ServiceRecord(
        volunteer=volunteer,
        team=team,
        date=timezone.localdate() - timedelta(days=entry["days_ago"]),
        kind=entry["kind"],
        hours=hours,
        place=entry["place"],
        description=entry["description"],
        status=entry["status"],
        reject_reason=entry.get("reject_reason", ""),
        submitted_by=volunteer,
        verified_by=lead if decided else None,
        verified_at=timezone.now() if decided else None,
    )


def load():
    """Create what is missing; running it again changes nothing."""
    data = volunteers_file()
    with transaction.atomic():
        teams = {
            team.name: team
            for team in Organisation.objects.filter(kind=Organisation.Kind.VOLUNTEER_TEAM)
        }
        requirement = data["requirement"]
        if requirement["team"] not in teams:
            return
        for entry in data["volunteers"]:
            user = ensure_user(entry["phone"], entry["name"], phone=entry["phone"])
            Membership.objects.current().get_or_create(
                user=user, organisation=teams[entry["team"]], role=Membership.Role.VOLUNTEER
            )
        _requirement(teams[requirement["team"]], requirement)
        _trained(requirement["course"], data["trained"])
        _records(teams, data["records"])


def _requirement(team, requirement):
    course = CoursePage.objects.filter(slug=requirement["course"]).first()
    if course is None:
        return
    TrainingRequirement.objects.get_or_create(
        course=course,
        organisation=team,
        defaults={"roles": [Membership.Role.VOLUNTEER], "due_date": requirement["due_date"]},
    )


def _trained(slug, trained):
    """Complete the required course for a few volunteers who have not started it."""
    from courses import services as course_services
    from courses.models import Enrolment

    course = CoursePage.objects.filter(slug=slug).first()
    if course is None:
        return
    for entry in trained:
        login, days_ago = entry["user"], entry["days_ago"]
        user = _person(login)
        if user is None or Enrolment.objects.filter(user=user, course=course).exists():
            continue
        when = timezone.now() - timedelta(days=days_ago)
        course_services.start_course(user, course, now=when)
        for offset, lesson in enumerate(course.get_lessons()):
            course_services.complete_lesson(user, lesson, now=when + timedelta(minutes=20 * offset))


def _person(login):
    User = get_user_model()
    return User.objects.filter(username=login).first() or User.objects.filter(name=login).first()


def _records(teams, records):
    lead = _person("volunteer_lead")
    for entry in records:
        volunteer = _person(entry["user"])
        team = teams.get(entry["team"])
        if (
            volunteer is None
            or team is None
            or ServiceRecord.objects.filter(
                volunteer=volunteer, team=team, description=entry["description"]
            ).exists()
        ):
            continue
        _record(entry, volunteer=volunteer, team=team, lead=lead).save()
