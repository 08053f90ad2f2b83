"""The demo district from content/organisations.yaml: 青浦区 with its real streets and towns,
invented (示例) committees, units, schools, teams, the demo accounts and invented members.

The file is checked whole before anything is saved (every kind, sector and role one of the
model's choices, every `at` a place the file itself defines), so a typo stops load_demo with the
file, the line and the place, as the page files do.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.demo import ensure_user
from editorial.content_files import ContentFileError, content_dir, mapping, read

from .models import Membership, Organisation
from .validators import credit_code_check_character

Kind = Organisation.Kind
Sector = Organisation.Sector
Role = Membership.Role

# content/volunteers.yaml and the volunteers' tests name these teams; the file must have them.
TEAM_FIRE = "示例朱家角镇志愿消防队"
TEAM_BLUE = "示例‘蓝朋友’消防科普志愿服务队"

SECTIONS = {
    "district": str,
    "towns": list,
    "units": list,
    "schools": list,
    "departments": list,
    "volunteer_teams": list,
    "accounts": list,
    "member_phones_from": str,
    "members": list,
    "students": list,
}
# Each list section's entries: (required keys, optional keys).
ENTRY_KEYS = {
    "towns": ({"name", "kind"}, {"communities"}),
    "communities": ({"name", "kind"}, set()),
    "units": ({"at", "name", "sector", "place_type"}, set()),
    "schools": ({"at", "name", "classes", "place_type"}, set()),
    "departments": ({"name", "sector"}, set()),
    "volunteer_teams": ({"at", "name"}, set()),
    "accounts": ({"username", "name", "memberships"}, {"phone"}),
    "memberships": ({"at", "role"}, {"number"}),
    "members": ({"at", "name", "role"}, set()),
    "students": ({"at", "name", "number"}, set()),
}


def path():
    return content_dir() / "organisations.yaml"


def district_file():
    """The checked data of content/organisations.yaml."""
    file = path()
    data = mapping(file, read(file))
    for key in data:
        if key not in SECTIONS:
            raise ContentFileError(file, _("Unknown key “%(key)s”.") % {"key": key}, (key,))
    for key, kind in SECTIONS.items():
        if not isinstance(data.get(key), kind) or not data[key]:
            raise ContentFileError(file, _("“%(key)s” is required.") % {"key": key}, (key,))
    places = _places(file, data)
    teams = {team["name"] for team in data["volunteer_teams"]}
    for name in (TEAM_FIRE, TEAM_BLUE):
        if name not in teams:
            raise ContentFileError(
                file,
                _("The volunteers' demo needs the team “%(name)s”.") % {"name": name},
                ("volunteer_teams",),
            )
    for section in ("units", "schools", "volunteer_teams", "members", "students"):
        for index, entry in enumerate(data[section]):
            _at_known(file, data, places, entry["at"], (section, index, "at"))
    for index, account in enumerate(data["accounts"]):
        for number, membership in enumerate(account["memberships"]):
            place = ("accounts", index, "memberships", number)
            _entry(file, "memberships", membership, place)
            _choice(file, Role, membership["role"], (*place, "role"))
            _at_known(file, data, places, membership["at"], (*place, "at"))
    for index, member in enumerate(data["members"]):
        _choice(file, Role, member["role"], ("members", index, "role"))
    return data


def _entry(file, section, entry, place):
    required, optional = ENTRY_KEYS[section]
    mapping(file, entry, place)
    unknown = sorted(set(entry) - required - optional)
    if unknown:
        raise ContentFileError(
            file, _("Unknown key “%(key)s”.") % {"key": unknown[0]}, (*place, unknown[0])
        )
    for key in sorted(required):
        if entry.get(key) in (None, "", []):
            raise ContentFileError(file, _("“%(key)s” is required.") % {"key": key}, (*place, key))


def _choice(file, choices, value, place):
    if value not in choices.values:
        raise ContentFileError(
            file,
            _("“%(value)s” is not one of: %(known)s.")
            % {"value": value, "known": ", ".join(choices.values)},
            place,
        )


def _places(file, data):
    """Every path the file defines ("朱家角镇", "朱家角镇/示例沈巷村委", …), each entry checked."""
    places = {""}
    for index, town in enumerate(data["towns"]):
        _entry(file, "towns", town, ("towns", index))
        _choice(file, Kind, town["kind"], ("towns", index, "kind"))
        places.add(town["name"])
        for number, community in enumerate(town.get("communities") or []):
            place = ("towns", index, "communities", number)
            _entry(file, "communities", community, place)
            _choice(file, Kind, community["kind"], (*place, "kind"))
            places.add(f"{town['name']}/{community['name']}")
    for section in ("units", "schools", "departments", "volunteer_teams"):
        for index, entry in enumerate(data[section]):
            _entry(file, section, entry, (section, index))
            if "sector" in entry:
                _choice(file, Sector, entry["sector"], (section, index, "sector"))
    for section in ("units", "schools", "departments", "volunteer_teams"):
        for entry in data[section]:
            parent = _relative(data, entry.get("at", ""))
            places.add(f"{parent}/{entry['name']}".lstrip("/"))
            for klass in entry.get("classes", []):
                places.add(f"{parent}/{entry['name']}/{klass}".lstrip("/"))
    for section in ("accounts", "members", "students"):
        for index, entry in enumerate(data[section]):
            _entry(file, section, entry, (section, index))
    return places


def _relative(data, where):
    """`where` below the district: a leading district name is allowed and dropped."""
    parts = [part for part in where.split("/") if part]
    if parts and parts[0] == data["district"]:
        parts = parts[1:]
    return "/".join(parts)


def _at_known(file, data, places, where, place):
    if not isinstance(where, str) or _relative(data, where) not in places:
        raise ContentFileError(
            file, _("No organisation “%(path)s” in this file.") % {"path": where}, place
        )


def load():
    """Create what is missing; running it again changes nothing."""
    data = district_file()
    with transaction.atomic():
        district = _root(data["district"], Kind.DISTRICT)
        for town in data["towns"]:
            node = _child(district, town["name"], town["kind"])
            for community in town.get("communities") or []:
                _child(node, community["name"], community["kind"])
        for index, unit in enumerate(data["units"]):
            code = _credit_code(index) if index % 4 == 0 else ""
            organisation = _child(
                _at(district, data, unit["at"]),
                unit["name"],
                Kind.UNIT,
                sector=unit["sector"],
                credit_code=code,
            )
            organisation.place_types.add(unit["place_type"])
        for entry in data["schools"]:
            school = _child(
                _at(district, data, entry["at"]),
                entry["name"],
                Kind.SCHOOL,
                sector=Sector.EDUCATION,
            )
            school.place_types.add(entry["place_type"])
            for class_name in entry["classes"]:
                _child(school, class_name, Kind.CLASS, sector=Sector.EDUCATION)
        for entry in data["departments"]:
            _child(district, entry["name"], Kind.DEPARTMENT, sector=entry["sector"])
        for entry in data["volunteer_teams"]:
            _child(_at(district, data, entry["at"]), entry["name"], Kind.VOLUNTEER_TEAM)
        _people(district, data)


def _people(district, data):
    for account in data["accounts"]:
        user = ensure_user(account["username"], account["name"], phone=account.get("phone"))
        for membership in account["memberships"]:
            organisation = _at(district, data, membership["at"])
            _member(user, organisation, membership["role"], membership.get("number", ""))
    first_phone = int(data["member_phones_from"])
    for index, member in enumerate(data["members"]):
        phone = str(first_phone + index)
        user = ensure_user(phone, member["name"], phone=phone)
        _member(user, _at(district, data, member["at"]), member["role"])
    for index, student in enumerate(data["students"]):
        user = ensure_user(f"demo-student-{index + 1:02d}", student["name"])
        _member(user, _at(district, data, student["at"]), Role.STUDENT, student["number"])


def _root(name, kind):
    root = Organisation.get_root_nodes().filter(name=name).first()
    return root or Organisation.add_root(name=name, kind=kind)


def _child(parent, name, kind, **fields):
    parent.refresh_from_db()  # treebeard counts children on the parent row
    child = parent.get_children().filter(name=name).first()
    return child or parent.add_child(name=name, kind=kind, **fields)


def _at(district, data, where):
    """The organisation at "town/community/…" below the district."""
    node = district
    for name in _relative(data, where).split("/"):
        if name:
            node = node.get_children().get(name=name)
    return node


def _credit_code(index):
    """A valid 统一社会信用代码 for an invented enterprise in 青浦 (310118)."""
    first_17 = f"91310118MA1G{index:05d}"
    return first_17 + credit_code_check_character(first_17)


def _member(user, organisation, role, number=""):
    Membership.objects.current().get_or_create(
        user=user, organisation=organisation, role=role, defaults={"number": number}
    )
