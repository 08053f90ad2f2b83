"""The demo unit's self-inspection from content/inspections/rounds.yaml: a month of daily patrols,
two inspections, hazards in every state, the photos of findings and fixes.

Each round is walked through the services as a phone would walk it (start, answer every point,
sign; then rectify and confirm), so snapshots, hazards, the town's notice of a 重大 hazard and
the audit entries are what the site itself writes. The loader then dates the round, its answers
and hazards to the day the file gives (the services stamp "now"); audit entries are written
once and never changed, so they keep the time of loading.
"""

from datetime import datetime, time, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notice
from courses.models import LessonAssignment
from editorial import content_files
from editorial.content_files import ContentFileError
from handbooks.blocks import Severity
from handbooks.models import HandbookPage
from organisations.demo import district_file
from organisations.models import Membership, Organisation

from . import refresher, services
from .models import Answer, Hazard, Round, RoundNominee, default_deadline

KEYS = {"unit", "handbook", "inspectors", "patrols", "inspections", "unfinished_patrol", "findings"}
FINDING_KEYS = (
    {"round", "item", "note", "responsible"},
    {"photo", "severity", "rectified", "closed"},
)
RECTIFIED_KEYS = {"days_ago", "at", "by", "note", "photo"}
REFRESHER_KEYS = {"round", "by", "to", "days_ago", "due_in"}
CLOSED_KEYS = {"days_ago", "at", "by"}
LEADER_ROLES = {Membership.Role.RESPONSIBLE.value, Membership.Role.MANAGER.value}
PATROL, INSPECTION = Round.Kind.PATROL.value, Round.Kind.INSPECTION.value
# A patrol point takes about a minute and a half, a point of an inspection four.
MINUTES_PER_POINT = {PATROL: 1.5, INSPECTION: 4}


def path():
    return content_files.content_dir() / "inspections" / "rounds.yaml"


def photo_path(name):
    return content_files.content_dir() / "inspections" / "photos" / name


# Checking the file --------------------------------------------------------------------------


class _Checker:
    """Raises ContentFileError at the first problem, with its place in the file."""

    def __init__(self, file):
        self.file = file

    def fail(self, message, place):
        raise ContentFileError(self.file, message, place)

    def keys(self, entry, required, optional, place):
        content_files.mapping(self.file, entry, place)
        unknown = sorted(set(entry) - required - optional)
        if unknown:
            self.fail(_("Unknown key “%(key)s”.") % {"key": unknown[0]}, (*place, unknown[0]))
        for key in sorted(required):
            if entry.get(key) in (None, "", []):
                self.fail(_("“%(key)s” is required.") % {"key": key}, (*place, key))

    def number(self, value, low, high, place):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                _("Expected a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
                place,
            )
        return value

    def clock(self, value, place):
        try:
            return time.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(_("Expected a time of day such as '09:30'."), place)


def _people_at(district, unit):
    """{login name or member's name: roles} of the unit, as content/organisations.yaml has them."""
    prefix = f"{district['district']}/"
    people = {}
    for account in district["accounts"]:
        for membership in account["memberships"]:
            if membership["at"].removeprefix(prefix) == unit:
                people.setdefault(account["username"], set()).add(membership["role"])
    for member in district["members"]:
        if member["at"].removeprefix(prefix) == unit:
            people.setdefault(member["name"], set()).add(member["role"])
    return people


def _check_points(check, handbooks, slug):
    """{item: check point} of the handbook file of that slug."""
    for _path, data in handbooks:
        if data["slug"] == slug:
            return {
                point["item"]: point
                for section in data["sections"]
                for point in section["value"]["checkpoints"]
            }
    return check.fail(
        _("No handbook “%(slug)s” in content/handbooks/.") % {"slug": slug}, ("handbook",)
    )


def rounds_file(handbooks=None, district=None):
    """content/inspections/rounds.yaml, checked (against the handbooks and district when given)."""
    file = path()
    check = _Checker(file)
    data = content_files.mapping(file, content_files.read(file))
    check.keys(data, KEYS, {"refreshers"}, ())
    for key in ("inspectors", "inspections", "findings"):
        if not isinstance(data[key], list):
            check.fail(_("Expected a list."), (key,))
    people = _people_at(district, data["unit"]) if district is not None else None
    if people is not None and not people:
        check.fail(
            _("No organisation “%(path)s” in content/organisations.yaml.") % {"path": data["unit"]},
            ("unit",),
        )

    def person(value, place, *, leader=False, inspector=False):
        if people is None:
            return value
        if not isinstance(value, str) or value not in people:
            check.fail(_("No member “%(name)s” of the unit.") % {"name": value}, place)
        if people[value] & LEADER_ROLES:
            return value
        if leader:
            check.fail(
                _("“%(name)s” is not the unit's responsible person or manager.") % {"name": value},
                place,
            )
        if inspector and value not in data["inspectors"]:
            check.fail(
                _("“%(name)s” leads nothing here and is not named under inspectors.")
                % {"name": value},
                place,
            )
        return value

    for index, name in enumerate(data["inspectors"]):
        person(name, ("inspectors", index))
    patrols = data["patrols"]
    check.keys(patrols, {"days", "at", "by"}, set(), ("patrols",))
    check.number(patrols["days"], 1, 60, ("patrols", "days"))
    check.clock(patrols["at"], ("patrols", "at"))
    if not isinstance(patrols["by"], list):
        check.fail(_("Expected a list."), ("patrols", "by"))
    for index, name in enumerate(patrols["by"]):
        person(name, ("patrols", "by", index), inspector=True)
    rounds = {(PATROL, day): by for _started, _kind, day, by in _patrols(patrols)}
    for index, entry in enumerate(data["inspections"]):
        place = ("inspections", index)
        check.keys(entry, {"days_ago", "at", "by"}, set(), place)
        check.number(entry["days_ago"], 0, 365, (*place, "days_ago"))
        check.clock(entry["at"], (*place, "at"))
        by = person(entry["by"], (*place, "by"), inspector=True)
        if (INSPECTION, entry["days_ago"]) in rounds:
            check.fail(_("Two inspections on one day."), (*place, "days_ago"))
        rounds[(INSPECTION, entry["days_ago"])] = by
    points = _check_points(check, handbooks, data["handbook"]) if handbooks is not None else None
    unfinished = data["unfinished_patrol"]
    check.keys(unfinished, {"by", "answered", "at"}, set(), ("unfinished_patrol",))
    person(unfinished["by"], ("unfinished_patrol", "by"), inspector=True)
    patrol_points = sum(bool(p.get("patrol_point")) for p in (points or {}).values())
    check.number(
        unfinished["answered"],
        0,
        patrol_points if points else 100,
        ("unfinished_patrol", "answered"),
    )
    check.clock(unfinished["at"], ("unfinished_patrol", "at"))
    _check_findings(check, data, rounds, points, person)
    _check_refreshers(check, data, rounds, person)
    return data


def _check_refreshers(check, data, rounds, person):
    refreshers = data.setdefault("refreshers", [])
    if not isinstance(refreshers, list):
        check.fail(_("Expected a list."), ("refreshers",))
    failed_rounds = {
        (finding["round"]["kind"], finding["round"]["days_ago"]) for finding in data["findings"]
    }
    for index, entry in enumerate(refreshers):
        place = ("refreshers", index)
        check.keys(entry, REFRESHER_KEYS, set(), place)
        found = entry["round"]
        check.keys(found, {"kind", "days_ago"}, set(), (*place, "round"))
        key = (found["kind"], found["days_ago"])
        if key not in rounds:
            check.fail(_("No such round in this file."), (*place, "round"))
        if key not in failed_rounds:
            check.fail(_("No check point failed in this round."), (*place, "round"))
        person(entry["by"], (*place, "by"), leader=True)
        if not isinstance(entry["to"], list) or not entry["to"]:
            check.fail(_("Expected a list."), (*place, "to"))
        for number, name in enumerate(entry["to"]):
            person(name, (*place, "to", number))
        check.number(entry["days_ago"], 0, found["days_ago"], (*place, "days_ago"))
        check.number(entry["due_in"], 1, 365, (*place, "due_in"))


def _check_findings(check, data, rounds, points, person):
    seen = set()
    responsible_by_round = {}
    for index, finding in enumerate(data["findings"]):
        place = ("findings", index)
        check.keys(finding, *FINDING_KEYS, place)
        found = finding["round"]
        check.keys(found, {"kind", "days_ago"}, set(), (*place, "round"))
        check.number(found["days_ago"], 0, 365, (*place, "round", "days_ago"))
        key = (found["kind"], found["days_ago"])
        if not isinstance(found["kind"], str) or key not in rounds:
            check.fail(_("No such round in this file."), (*place, "round"))
        item = finding["item"]
        if not isinstance(item, str) or (points is not None and item not in points):
            check.fail(
                _("No check point “%(item)s” in the handbook.") % {"item": item}, (*place, "item")
            )
        if points is not None and key[0] == PATROL and not points[item].get("patrol_point"):
            check.fail(_("A patrol asks only patrol points."), (*place, "item"))
        if (key, item) in seen:
            check.fail(_("This check point fails twice in one round."), (*place, "item"))
        seen.add((key, item))
        if not isinstance(finding["note"], str) or len(finding["note"]) > 1000:
            check.fail(_("Expected a text of at most 1000 characters."), (*place, "note"))
        if "photo" in finding:
            _check_photo(check, finding["photo"], (*place, "photo"))
        if finding.get("severity", Severity.ORDINARY) not in dict(Severity.CHOICES):
            check.fail(_("Expected ordinary or major."), (*place, "severity"))
        responsible = person(finding["responsible"], (*place, "responsible"))
        responsible_by_round.setdefault(key, set()).add(responsible)
        if len(responsible_by_round[key]) > 1:
            # sign_round names one person; a leader reassigns the others at once.
            person(rounds[key], (*place, "round"), leader=True)
        latest = found["days_ago"]
        if "rectified" in finding:
            fix = finding["rectified"]
            check.keys(fix, RECTIFIED_KEYS, set(), (*place, "rectified"))
            check.number(fix["days_ago"], 0, latest, (*place, "rectified", "days_ago"))
            check.clock(fix["at"], (*place, "rectified", "at"))
            if fix["by"] != responsible:
                person(fix["by"], (*place, "rectified", "by"), leader=True)
            _check_photo(check, fix["photo"], (*place, "rectified", "photo"))
            latest = fix["days_ago"]
        if "closed" in finding:
            closed = finding["closed"]
            if "rectified" not in finding:
                check.fail(_("Only a rectified hazard can be closed."), (*place, "closed"))
            check.keys(closed, CLOSED_KEYS, set(), (*place, "closed"))
            check.number(closed["days_ago"], 0, latest, (*place, "closed", "days_ago"))
            check.clock(closed["at"], (*place, "closed", "at"))
            person(closed["by"], (*place, "closed", "by"), leader=True)
            if closed["by"] == finding["rectified"]["by"]:
                check.fail(
                    _("The person who fixed it cannot confirm their own fix."),
                    (*place, "closed", "by"),
                )


def _check_photo(check, name, place):
    if not isinstance(name, str) or "/" in name or not photo_path(name).is_file():
        check.fail(_("No photo “%(name)s” in content/inspections/photos/.") % {"name": name}, place)
    if Path(name).suffix.lower() not in (".jpg", ".jpeg", ".png"):
        check.fail(_("Expected a JPEG or PNG photo."), place)


# Loading ------------------------------------------------------------------------------------


def load():
    """Walk the demo unit's rounds once: a unit that has any round already is left as it is."""
    data = rounds_file()
    district = district_file()["district"]
    unit = _unit(district, data["unit"])
    handbook = HandbookPage.objects.live().filter(slug=data["handbook"]).first()
    if unit is None or handbook is None or Round.objects.filter(unit=unit).exists():
        return
    with transaction.atomic():
        people = _People(unit)
        leader = next(user for user in people.values() if services.leads(user, unit))
        named_at = _at(data["patrols"]["days"] + 1, data["patrols"]["at"])
        for name in data["inspectors"]:
            nominee = services.nominate(leader, unit, people[name])
            RoundNominee.objects.filter(pk=nominee.pk).update(named_at=named_at)
        findings = {}
        for finding in data["findings"]:
            found = finding["round"]
            findings.setdefault((found["kind"], found["days_ago"]), []).append(finding)
        for started, kind, days_ago, by in sorted(_planned(data)):
            failing = findings.get((kind, days_ago), [])
            _walk(people, unit, handbook, kind, started, people[by], failing)
        unfinished = data["unfinished_patrol"]
        _unfinished(people[unfinished["by"]], unit, handbook, unfinished)
        for entry in data["refreshers"]:
            _assign_refresher(people, unit, entry)


def _assign_refresher(people, unit, entry):
    """The lessons of a round's failed points, assigned as a leader would from the round's page."""
    found = entry["round"]
    day = timezone.localdate() - timedelta(days=found["days_ago"])
    round_ = next(
        candidate
        for candidate in Round.objects.filter(unit=unit, kind=found["kind"])
        if timezone.localdate(candidate.started_at) == day
    )
    lessons = [offered.lesson.pk for offered in refresher.round_lessons(round_)]
    if not lessons:
        return
    assigned_on = timezone.localdate() - timedelta(days=entry["days_ago"])
    refresher.assign_from_round(
        people[entry["by"]],
        round_,
        lesson_ids=lessons,
        members=[people[name] for name in entry["to"]],
        due_date=assigned_on + timedelta(days=entry["due_in"]),
    )
    LessonAssignment.objects.filter(organisation=unit, lesson_id__in=lessons).update(
        created_at=_at(entry["days_ago"], "16:00")
    )


def _unit(district, where):
    node = Organisation.get_root_nodes().filter(name=district).first()
    for name in [part for part in where.split("/") if part and part != district]:
        if node is None:
            return None
        node = node.get_children().filter(name=name).first()
    return node


class _People(dict):
    """The unit's current members by login name and by name."""

    def __init__(self, unit):
        super().__init__()
        for user in services.unit_members(unit):
            self[user.username] = user
            self.setdefault(user.name, user)


def _at(days_ago, clock):
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=timezone.get_current_timezone())


def _patrols(patrols):
    """(start, kind, days_ago, by) of the daily patrols: one a day, the inspectors in turn."""
    for day in range(1, patrols["days"] + 1):
        by = patrols["by"][(day - 1) % len(patrols["by"])]
        yield _at(day, patrols["at"]), PATROL, day, by


def _planned(data):
    """(start, kind, days_ago, by) of every signed round of the file."""
    yield from _patrols(data["patrols"])
    for entry in data["inspections"]:
        yield _at(entry["days_ago"], entry["at"]), INSPECTION, entry["days_ago"], entry["by"]


def _photo(name):
    return ContentFile(photo_path(name).read_bytes(), name=name)


def _walk(people, unit, handbook, kind, started, user, findings):
    """One signed round started at `started`, every point passed but the findings."""
    failing = {finding["item"]: finding for finding in findings}
    round_ = services.start_round(user, unit, handbook, kind)
    step = timedelta(minutes=MINUTES_PER_POINT[kind])
    when = started
    for point in round_.points.all():
        when += step
        finding = failing.get(point.item)
        photo = _photo(finding["photo"]) if finding and finding.get("photo") else None
        answer = services.answer_point(
            user,
            point,
            result=Answer.Result.FAIL if finding else Answer.Result.PASS,
            note=finding["note"] if finding else "",
            photo=photo,
        )
        Answer.objects.filter(pk=answer.pk).update(answered_at=when)
    signed = when + timedelta(minutes=2)
    failed = {point.item: point for point in round_.points.filter(item__in=failing)}
    services.sign_round(
        user,
        round_,
        inspector_name=user.name,
        responsible=people[findings[0]["responsible"]] if findings else None,
        severities={
            failed[item].pk: f["severity"] for item, f in failing.items() if "severity" in f
        },
    )
    Round.objects.filter(pk=round_.pk).update(started_at=started, signed_at=signed)
    for hazard in Hazard.objects.filter(round=round_).select_related("point"):
        _follow(people, hazard, failing[hazard.point.item], user, signed)


def _follow(people, hazard, finding, signer, found):
    """The hazard's owner as the file says, then its fix and confirmation, dated."""
    responsible = people[finding["responsible"]]
    if hazard.responsible_id != responsible.pk:
        hazard = services.change_hazard(
            signer,
            hazard,
            severity=hazard.severity,
            responsible=responsible,
            deadline=hazard.deadline,
        )
    dates = {"created_at": found, "deadline": default_deadline(hazard.severity, found.date())}
    fix = finding.get("rectified")
    if fix:
        services.rectify_hazard(
            people[fix["by"]], hazard, note=fix["note"], photo=_photo(fix["photo"])
        )
        dates["rectified_at"] = _at(fix["days_ago"], fix["at"])
    closed = finding.get("closed")
    if closed:
        services.close_hazard(people[closed["by"]], hazard)
        dates["closed_at"] = _at(closed["days_ago"], closed["at"])
    Hazard.objects.filter(pk=hazard.pk).update(**dates)
    if hazard.is_major:
        link = reverse("inspections:hazard", args=[hazard.pk])
        Notice.objects.filter(link=link).update(created_at=found)


def _unfinished(user, unit, handbook, entry):
    """Today's patrol, interrupted after a few points (begun just now when its hour is to come)."""
    answering = timedelta(minutes=2 * entry["answered"])
    started = min(_at(0, entry["at"]), timezone.now() - answering - timedelta(minutes=5))
    round_ = services.start_round(user, unit, handbook, Round.Kind.PATROL)
    Round.objects.filter(pk=round_.pk).update(started_at=started)
    for index, point in enumerate(round_.points.all()[: entry["answered"]]):
        answer = services.answer_point(user, point, result=Answer.Result.PASS)
        when = min(started + timedelta(minutes=2 * (index + 1)), timezone.now())
        Answer.objects.filter(pk=answer.pk).update(answered_at=when)
