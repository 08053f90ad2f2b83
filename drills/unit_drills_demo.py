"""The demo's units' drills from content/drills/unit_drills.yaml: the demo unit's recent 疏散
drill (a problem made a hazard) and an older 综合 one, and an overdue unit in the same town.

Each drill is recorded through drills.unit_drills as its recorder would (audit entries, hazard
history and all), then dated to the day the file gives; a unit that has any drill already is
left as it is, so loading again changes nothing.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import content_files
from editorial.content_files import ContentFileError
from handbooks.blocks import Severity
from inspections.models import Hazard, HazardEntry, default_deadline
from organisations.demo import district_file
from organisations.models import Organisation

from . import unit_drills
from .drill_rules import KEY_UNIT_PLACE_TYPE
from .models import UnitDrill

KEYS = {"key_units", "drills"}
DRILL_KEYS = {"unit", "days_ago", "kind", "by", "plan_version"}
OPTIONAL_KEYS = {"participants", "others", "evacuation_seconds", "note", "problems"}


def path():
    return content_files.content_dir() / "drills" / "unit_drills.yaml"


def _fail(message, place):
    raise ContentFileError(path(), message, place)


def drills_file():
    """The file, checked: known keys, kinds, numbers and severities (ContentFileError if not)."""
    data = content_files.read(path())
    content_files.mapping(path(), data)
    unknown = sorted(set(data) - KEYS)
    if unknown:
        _fail(_("Unknown key “%(key)s”.") % {"key": unknown[0]}, (unknown[0],))
    for index, entry in enumerate(data.get("drills") or []):
        place = ("drills", index)
        content_files.mapping(path(), entry, place)
        for key in sorted(DRILL_KEYS - set(entry)):
            _fail(_("“%(key)s” is required.") % {"key": key}, (*place, key))
        for key in sorted(set(entry) - DRILL_KEYS - OPTIONAL_KEYS):
            _fail(_("Unknown key “%(key)s”.") % {"key": key}, (*place, key))
        if entry["kind"] not in UnitDrill.Kind.values:
            _fail(_("Unknown kind of drill."), (*place, "kind"))
        days = entry["days_ago"]
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3650:
            _fail(_("Expected a whole number from 0 to 3650."), (*place, "days_ago"))
        for number, problem in enumerate(entry.get("problems") or []):
            hazard = problem.get("hazard") if isinstance(problem, dict) else None
            if hazard and hazard.get("severity") not in dict(Severity.CHOICES):
                _fail(_("Unknown severity."), (*place, "problems", number, "hazard"))
    return data


def _unit(district, where):
    node = Organisation.get_root_nodes().filter(name=district).first()
    for name in [part for part in where.split("/") if part]:
        if node is None:
            return None
        node = node.get_children().filter(name=name).first()
    return node


def _people(unit):
    people = {}
    for user in unit_drills.unit_members(unit):
        people[user.username] = user
        people.setdefault(user.name, user)
    return people


def load():
    data = drills_file()
    district = district_file()["district"]
    for where in data.get("key_units") or []:
        unit = _unit(district, where)
        if unit is not None and not unit.place_types.filter(name=KEY_UNIT_PLACE_TYPE).exists():
            unit.place_types.add(KEY_UNIT_PLACE_TYPE)
    units = {where: _unit(district, where) for where in {e["unit"] for e in data["drills"]}}
    fresh = {where for where, unit in units.items() if unit and not unit.drills.exists()}
    with transaction.atomic():
        for entry in sorted(data["drills"], key=lambda entry: -entry["days_ago"]):
            if entry["unit"] in fresh:
                _record(units[entry["unit"]], entry)


def _record(unit, entry):
    people = _people(unit)
    day = timezone.localdate() - timedelta(days=entry["days_ago"])
    problems = [p["text"] if isinstance(p, dict) else p for p in entry.get("problems") or []]
    recorder = people[entry["by"]]
    drill = unit_drills.record_drill(
        recorder,
        unit,
        held_on=day,
        kind=entry["kind"],
        plan_version=str(entry["plan_version"]),
        participants=[people[name] for name in entry.get("participants") or []],
        others_count=entry.get("others") or 0,
        evacuation_seconds=entry.get("evacuation_seconds"),
        problems=problems,
        note=entry.get("note") or "",
    )
    evening = datetime.combine(day, time(18, 0), tzinfo=timezone.get_current_timezone())
    # The service stamps "now"; the record says when it was written (as inspections' demo does).
    UnitDrill.objects.filter(pk=drill.pk).update(recorded_at=evening)
    for problem, spec in zip(drill.problems.all(), entry.get("problems") or [], strict=True):
        hazard_spec = spec.get("hazard") if isinstance(spec, dict) else None
        if not hazard_spec:
            continue
        hazard = unit_drills.problem_to_hazard(
            recorder,
            problem,
            severity=hazard_spec["severity"],
            responsible=people[hazard_spec["responsible"]],
        )
        deadline = default_deadline(hazard.severity, day)
        Hazard.objects.filter(pk=hazard.pk).update(created_at=evening, deadline=deadline)
        for found in HazardEntry.objects.filter(hazard=hazard):
            data = {**found.data, "deadline": deadline.isoformat()}
            HazardEntry.objects.filter(pk=found.pk).update(at=evening, data=data)
