"""Member import from Excel (xlsx) or CSV: read, plan (the preview), and apply in one transaction.

The phone number is the key of a person. A row says: this person, with this name, holds this
role in this organisation (with an optional staff or student number). Planning compares every
row with the database and the coordinator's scope and says, per row, what would happen or what
is wrong; nothing is written. Applying plans again, refuses if the plan is no longer the one the
coordinator saw, and writes every valid row, or nothing, with bulk queries.
"""

import dataclasses
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import Notice
from accounts.validators import mainland_mobile_validator
from spreadsheets import headers, normalise, reading
from spreadsheets.writing import Layout, xlsx_bytes

from . import audit
from .import_synonyms import (
    COLUMN_SYNONYMS,
    HEADER_MUST_NAME,
    REQUIRED_FIELDS,
    ROLE_SYNONYMS,
    TEMPLATE_HEADINGS,
)
from .models import Membership, Organisation
from .scope import people_under_authority, scope_roots, visible_organisations
from .services import (
    NAME_MISMATCH,
    PROVEN_PHONE_ROLES,
    generate_one_time_password,
    notify_added,
    same_name,
)

CHUNK = 500

COLUMNS = TEMPLATE_HEADINGS  # the template's header row
# After NFKC (which turns ／ and ＞ into / and >), what people put between a path's parts.
PATH_SEPARATORS = ("\\", ">")

# One-time passwords (services.generate_one_time_password) have about 59 random bits: their
# strength is their randomness, not the hash's work factor. So they are hashed with few PBKDF2
# rounds, and 10,000 accounts take seconds instead of hours at Django's default (1,000,000).
# At first sign-in Django re-hashes at full strength (the hasher reports must_update), and the
# person must choose a new password anyway (must_change_password).
ONE_TIME_PASSWORD_ITERATIONS = 100


class ImportFileError(Exception):
    """The file cannot be read as a member sheet; the message says why, in the user's language."""


class PlanChanged(Exception):
    """The database or the file changed since the preview: nothing was saved."""


# Problems a row can have: a code (to group them in the preview) and a message.
PROBLEMS = {
    "name_missing": gettext_lazy("Name missing"),
    "phone_missing": gettext_lazy("Phone missing"),
    "phone_invalid": gettext_lazy("Not a valid mainland mobile number"),
    "phone_scientific": gettext_lazy(
        "The phone is in scientific notation, so Excel has already dropped its last digits: "
        "format the column as text and type the full numbers again"
    ),
    "path_missing": gettext_lazy("Organisation path missing"),
    "path_unknown": gettext_lazy("No organisation with this path"),
    "path_ambiguous": gettext_lazy("Several organisations have this path"),
    "name_ambiguous": gettext_lazy(
        "Several organisations in your area have this name: write the path of one of them"
    ),
    "path_inactive": gettext_lazy("The organisation is deactivated"),
    "out_of_scope": gettext_lazy("The organisation is outside your area"),
    "role_missing": gettext_lazy("Role missing"),
    "role_unknown": gettext_lazy("Unknown role"),
    "duplicate": gettext_lazy("Duplicate in the file"),
    "name_conflict": gettext_lazy("Same phone with a different name in the file"),
    "number_taken": gettext_lazy("The number is already used in this organisation"),
    "number_too_long": gettext_lazy("The number is longer than 30 characters"),
    "name_too_long": gettext_lazy("The name is longer than 60 characters"),
    "login_taken": gettext_lazy("The phone is already another account's login name"),
    "account_inactive": gettext_lazy("The account with this phone is deactivated"),
    "name_mismatch": NAME_MISMATCH,
    "phone_unverified": gettext_lazy(
        "The phone number has not been confirmed by its owner: this role cannot be given yet"
    ),
    "no_authority": gettext_lazy(
        "The person also belongs to organisations outside your area: their role here can only "
        "be changed by a coordinator over all of them"
    ),
}


@dataclass
class PlannedRow:
    """One row of the sheet and what the import will do with it."""

    row: int
    name: str
    phone: str
    path: str
    role_text: str
    number: str
    role: str = ""
    organisation_id: int | None = None
    user_id: int | None = None
    organisation_path: str = ""  # the organisation found, as its full path
    typed: dict = field(default_factory=dict)  # field → the text as typed, where it differed
    action: str = ""  # create, add, update, unchanged, error
    problems: list = field(default_factory=list)  # [(code, detail)]
    changes: list = field(default_factory=list)  # human-readable updates
    end_membership_ids: list = field(default_factory=list)
    number_update_membership_id: int | None = None

    @property
    def is_valid(self):
        return not self.problems

    @property
    def role_label(self):
        return Membership.Role(self.role).label if self.role else ""

    def problem(self, code, detail=""):
        self.problems.append((code, detail))

    def problem_messages(self):
        return [
            f"{PROBLEMS[code]}{'：' + detail if detail else ''}" for code, detail in self.problems
        ]


# Reading ---------------------------------------------------------------------------------------


def file_digest(data):
    return hashlib.sha256(data).hexdigest()


def limits():
    """The limits a member sheet is read within (settings.IMPORT_LIMITS)."""
    return reading.Limits.from_settings("IMPORT_LIMITS")


SAMPLE_ROWS = 3  # data rows shown under each column on the mapping step
SHOWN_ROWS = 5  # rows shown as read when no header row is found
SHOWN_COLUMNS = 8
SHOWN_CHARS = 30


class NoHeaderRow(ImportFileError):
    """No row among the first ones names the person and the phone (or number) columns."""

    def __init__(self, message, rows):
        super().__init__(message)
        self.rows = rows  # the first rows as read: [(row number, [text, …])]


@dataclass
class SheetLayout:
    """Where the table is in the sheet and which column holds which field (JSON-friendly)."""

    header_row: int
    labels: list
    columns: dict  # field → column index
    ambiguous: dict = field(default_factory=dict)  # field → [column index, …]
    samples: list = field(default_factory=list)  # the first data rows, as text

    @property
    def missing(self):
        return [key for key in REQUIRED_FIELDS if key not in self.columns]

    @property
    def is_complete(self):
        return not self.missing and not self.ambiguous

    def unused_labels(self):
        """The headings of the columns no field takes (序号, 备注 …), for the preview."""
        taken = set(self.columns.values())
        return [text for index, text in enumerate(self.labels) if text and index not in taken]

    def column_name(self, index):
        heading = self.labels[index] if index < len(self.labels) else ""
        letters = headers.column_letters(index)
        return f"{letters}（{heading}）" if heading else letters

    def mapped(self):
        """[(field heading, column name)] of the fields taken, in the template's order."""
        return [
            (TEMPLATE_HEADINGS[key], self.column_name(self.columns[key]))
            for key in TEMPLATE_HEADINGS
            if key in self.columns
        ]

    def as_json(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data):
        layout = cls(**data)
        # JSON keys are strings; column indexes are ints again.
        layout.columns = {key: int(index) for key, index in layout.columns.items()}
        return layout


@dataclass
class Sheet:
    """An uploaded member sheet as read: its layout, and its rows once every field is clear."""

    layout: SheetLayout
    records: list


def read_sheet(filename, data, *, columns=None, remembered=None, header_row=None):
    """The member sheet's layout and data rows (dicts with our field keys and the row number).

    The header row is the first of the first ten that names the person and the phone (or
    number) columns; rows above it are skipped. `columns` ({field: index}, chosen on the
    mapping step) overrides what the headings say, and `header_row` (the row found at the
    upload) says where they are; `remembered` ({heading: field}) are the coordinator's earlier
    choices. If a needed field is still missing or ambiguous, the records are empty and the
    layout says what to ask.

    Raises ImportFileError for anything that is not a member sheet we can read, or that is over
    the limits of spreadsheets.reading; NoHeaderRow when no header row is found.
    """
    try:
        rows = reading.read_rows(filename, data, limits())
    except reading.SheetRefused as error:
        raise ImportFileError(str(error)) from error
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if header_row is None:
        header = headers.find_header(rows, COLUMN_SYNONYMS, HEADER_MUST_NAME, remembered)
    else:
        # Read again as at the upload, whatever the coordinator has remembered since.
        header = next(
            (
                headers.Header(row=number, labels=[normalise.text(v) for v in values])
                for number, values in rows
                if number == header_row
            ),
            None,
        )
    if header is None:
        raise _no_header(rows)
    layout = SheetLayout(
        header_row=header.row,
        labels=header.labels,
        columns=header.columns,
        ambiguous=header.ambiguous,
    )
    if columns is not None:
        layout.columns = _valid_columns(columns, len(header.labels))
        layout.ambiguous = {}
    data_rows = [(number, values) for number, values in rows if number > header.row]
    if not data_rows:
        raise ImportFileError(_("The file has a header row but no members."))
    layout.samples = [
        [_shown(value) for value in values[: len(header.labels)]]
        for _number, values in data_rows[:SAMPLE_ROWS]
    ]
    if not layout.is_complete:
        return Sheet(layout, [])
    records = []
    for number, values in data_rows:
        texts = [normalise.cell_text(value) for value in values]
        if not any(texts):
            continue
        phone_index = layout.columns.get("phone")
        if phone_index is not None and phone_index < len(values):
            texts[phone_index] = normalise.phone_cell_text(values[phone_index])
        record = {"row": number}
        for key in TEMPLATE_HEADINGS:
            index = layout.columns.get(key)
            record[key] = texts[index] if index is not None and index < len(texts) else ""
        records.append(record)
    return Sheet(layout, records)


def _valid_columns(columns, width):
    """A mapping's {field: index} kept only where both are sensible (it came from a form)."""
    chosen = {}
    for key, index in columns.items():
        if key in TEMPLATE_HEADINGS and isinstance(index, int) and 0 <= index < width:
            chosen[key] = index
    return chosen


def _shown(value):
    text = normalise.cell_text(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _no_header(rows):
    shown = [
        (number, [_shown(value) for value in values[:SHOWN_COLUMNS]])
        for number, values in rows[:SHOWN_ROWS]
    ]
    return NoHeaderRow(
        _(
            "No header row found in the first %(rows)s rows. One row must name the columns "
            "%(needed)s (also written as 手机号码, 联系电话, 所属单位, 单位, 岗位, 工号 …), "
            "above the members' rows. The first rows as read:"
        )
        % {
            "rows": headers.SEARCHED_ROWS,
            "needed": "、".join(TEMPLATE_HEADINGS[key] for key in REQUIRED_FIELDS),
        },
        shown,
    )


# Planning --------------------------------------------------------------------------------------


def role_lookup():
    """Role names people write in a sheet, in Chinese or English, to the stored value."""
    lookup = {}
    for value, label in Membership.Role.choices:
        lookup[value] = value
        lookup[_role_key(label)] = value
        with translation.override("zh-hans"):
            lookup[_role_key(label)] = value
    for value, names in ROLE_SYNONYMS.items():
        for name in names:
            lookup[_role_key(name)] = value
    return lookup


def _role_key(text):
    return normalise.label(str(text)).lower()


class OrganisationPaths:
    """Organisation paths as coordinators write them, resolved within one coordinator's scope.

    Accepted, in this order: a path relative to one of the coordinator's own organisations (a
    town coordinator may write 示例单位 or 朱家角镇/示例单位), the full path from the district
    (青浦区/朱家角镇/示例单位), and the end of a path (often just the unit's name) when exactly
    one organisation in the coordinator's area ends so. Names are compared after NFKC, so
    "青浦区／朱家角镇" and "三年级(2)班" match 青浦区/朱家角镇 and 三年级（2）班.
    """

    def __init__(self, user):
        visible = visible_organisations(user)
        self.visible = set(visible.values_list("pk", flat=True))
        root_paths = set(scope_roots(visible).values_list("path", flat=True))
        self.by_full = {}
        self.by_end = {}
        self.shown = {}
        self.active = {}
        self.root_keys = []
        keys_by_tree_path, shown_by_tree_path = {}, {}
        step = Organisation.steplen
        for pk, tree_path, name, is_active in Organisation.objects.order_by("path").values_list(
            "pk", "path", "name", "is_active"
        ):
            parent = tree_path[:-step]
            key = (*keys_by_tree_path.get(parent, ()), _path_part(name))
            shown = "/".join(filter(None, (shown_by_tree_path.get(parent, ""), name.strip())))
            keys_by_tree_path[tree_path], shown_by_tree_path[tree_path] = key, shown
            self.by_full.setdefault(key, []).append(pk)
            self.shown[pk], self.active[pk] = shown, is_active
            if pk in self.visible:
                for start in range(len(key)):
                    self.by_end.setdefault(key[start:], []).append(pk)
            if tree_path in root_paths:
                self.root_keys.append(key)
        self._cache = {}

    def resolve(self, text):
        """(organisation id or None, problem code or "", detail)."""
        key = tuple(part for part in (_path_part(p) for p in _split_path(text)) if part)
        if key not in self._cache:
            self._cache[key] = self._resolve(key, text)
        return self._cache[key]

    def _resolve(self, key, text):
        if not key:
            return None, "path_missing", ""
        relative = set()
        for root in self.root_keys:
            relative.update(self.by_full.get(root + key, ()))
            if key[0] == root[-1]:
                relative.update(self.by_full.get(root[:-1] + key, ()))
        if len(relative) == 1:
            return self._checked(relative.pop(), text)
        if len(relative) > 1:
            return None, "path_ambiguous", self._candidates(relative)
        full = self.by_full.get(key, [])
        if len(full) > 1:
            return None, "path_ambiguous", text
        if full:
            return self._checked(full[0], text)
        ends = self.by_end.get(key, [])
        if len(ends) == 1:
            return self._checked(ends[0], text)
        if ends:
            return None, "name_ambiguous", self._candidates(ends)
        return None, "path_unknown", text

    def _checked(self, pk, text):
        if pk not in self.visible:
            return None, "out_of_scope", text
        if not self.active[pk]:
            return None, "path_inactive", text
        return pk, "", ""

    def _candidates(self, pks, shown=5):
        paths = sorted(self.shown[pk] for pk in pks)
        listed = "；".join(paths[:shown])
        if len(paths) > shown:
            listed += _(" and %(count)s more") % {"count": len(paths) - shown}
        return listed


def _split_path(text):
    text = normalise.text(text)
    for separator in PATH_SEPARATORS:
        text = text.replace(separator, "/")
    return text.split("/")


def _path_part(name):
    return normalise.text(name).replace(" ", "")


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_import(user, records):
    """What importing these rows would do, row by row; writes nothing."""
    User = get_user_model()
    roles = role_lookup()
    paths = OrganisationPaths(user)
    planned = []
    for record in records:
        row = PlannedRow(
            row=record["row"],
            name=record.get("name", "").strip(),
            phone=record.get("phone", "").strip(),
            path=record.get("path", "").strip(),
            role_text=record.get("role", "").strip(),
            number=record.get("number", "").strip(),
        )
        _check_fields(row, roles, paths)
        planned.append(row)

    _check_duplicates(planned)

    candidates = [row for row in planned if row.is_valid]
    phones = {row.phone for row in candidates}
    # Plain tuples, not model instances: tens of thousands of rows are read here.
    users_by_phone, usernames = {}, set()
    for chunk in _chunks(phones):
        for account in User.objects.filter(phone__in=chunk).values_list(
            "pk", "name", "phone", "is_active", "phone_verified_at", named=True
        ):
            users_by_phone[account.phone] = account
        usernames.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))

    user_ids = {account.pk for account in users_by_phone.values()}
    under_authority = set()
    for chunk in _chunks(user_ids):
        under_authority.update(
            people_under_authority(user).filter(pk__in=chunk).values_list("pk", flat=True)
        )
    organisation_ids = {row.organisation_id for row in candidates}
    memberships = {}
    for chunk in _chunks(user_ids):
        for membership in (
            Membership.objects.current()
            .filter(user_id__in=chunk, organisation_id__in=organisation_ids)
            .values_list("pk", "user_id", "organisation_id", "role", "number", named=True)
        ):
            memberships.setdefault((membership.user_id, membership.organisation_id), []).append(
                membership
            )
    numbers = {row.number for row in candidates if row.number}
    number_holders = {}
    for chunk in _chunks(numbers):
        for membership in (
            Membership.objects.current()
            .filter(number__in=chunk, organisation_id__in=organisation_ids)
            .exclude(number="")
            .values_list("user_id", "organisation_id", "number", named=True)
        ):
            number_holders[(membership.organisation_id, membership.number)] = membership

    for row in candidates:
        _plan_row(row, users_by_phone, usernames, memberships, number_holders, under_authority)
    for row in planned:
        if not row.is_valid:
            row.action = "error"
    return planned


def _check_fields(row, roles, paths):
    """Normalise the row's values as people type them, and note what is wrong with them."""
    typed_name, row.name = row.name, normalise.name(row.name)
    if not row.name:
        row.problem("name_missing")
    elif len(row.name) > 60:
        row.problem("name_too_long")
    typed_phone = row.phone
    if not row.phone:
        row.problem("phone_missing")
    elif normalise.is_scientific(row.phone):
        row.problem("phone_scientific", normalise.text(row.phone))
    else:
        row.phone = normalise.phone(row.phone)
        try:
            mainland_mobile_validator(row.phone)
        except ValidationError:
            row.problem("phone_invalid", row.phone)
    organisation_id, problem, detail = paths.resolve(row.path)
    if problem:
        row.problem(problem, detail)
    else:
        row.organisation_id = organisation_id
        row.organisation_path = paths.shown[organisation_id]
    if not row.role_text:
        row.problem("role_missing")
    else:
        role = roles.get(_role_key(row.role_text))
        if role:
            row.role = role
        else:
            row.problem("role_unknown", row.role_text)
    typed_number, row.number = row.number, normalise.text(row.number)
    if len(row.number) > 30:
        row.problem("number_too_long")
    understood = {
        "name": (typed_name, row.name),
        "phone": (typed_phone, row.phone),
        "path": (row.path, row.organisation_path),
        "role": (row.role_text, str(row.role_label)),
        "number": (typed_number, row.number),
    }
    row.typed = {
        key: typed for key, (typed, value) in understood.items() if value and typed != value
    }


def _check_duplicates(planned):
    seen_place, seen_name, seen_number = {}, {}, {}
    for row in planned:
        if not row.phone or any(code.startswith("phone") for code, _detail in row.problems):
            continue
        if row.organisation_id:
            key = (row.phone, row.organisation_id)
            if key in seen_place:
                row.problem(
                    "duplicate",
                    _("same person and organisation as row %(row)s") % {"row": seen_place[key]},
                )
            else:
                seen_place[key] = row.row
        if row.name:
            first = seen_name.setdefault(row.phone, (row.row, row.name))
            if first[1] != row.name:
                row.problem("name_conflict", _("row %(row)s") % {"row": first[0]})
        if row.number and row.organisation_id:
            key = (row.organisation_id, row.number)
            first = seen_number.setdefault(key, (row.row, row.phone))
            if first[1] != row.phone:
                row.problem("number_taken", _("row %(row)s") % {"row": first[0]})


def _plan_row(row, users_by_phone, usernames, memberships, number_holders, under_authority):
    """What this row does. An existing account is attached, never renamed or revealed."""
    account = users_by_phone.get(row.phone)
    if account is None:
        if row.phone in usernames:
            row.problem("login_taken")
            return
        holder = number_holders.get((row.organisation_id, row.number)) if row.number else None
        if holder:
            row.problem("number_taken", row.number)
            return
        row.action = "create"
        return
    if not account.is_active:
        row.problem("account_inactive")
        return
    if not same_name(account.name, row.name):
        # The registered name is not shown: a phone number alone must not reveal whose it is.
        row.problem("name_mismatch")
        return
    if row.role in PROVEN_PHONE_ROLES and account.phone_verified_at is None:
        row.problem("phone_unverified")
        return
    row.user_id = account.pk
    if row.number:
        holder = number_holders.get((row.organisation_id, row.number))
        if holder and holder.user_id != account.pk:
            row.problem("number_taken", row.number)
            return
    held = memberships.get((account.pk, row.organisation_id), [])
    same_role = next((m for m in held if m.role == row.role), None)
    if same_role is None:
        # A different role here replaces the old one (history kept by ending it); coordinator
        # roles are only ever changed in /manage/, so a sheet cannot lock a coordinator out.
        replaced = [m for m in held if m.role != row.role and m.role != Membership.Role.COORDINATOR]
        if replaced:
            if account.pk not in under_authority:
                row.problem("no_authority")
                return
            row.end_membership_ids = [m.pk for m in replaced]
            old_labels = "、".join(str(Membership.Role(m.role).label) for m in replaced)
            row.changes.append(
                _("role: %(old)s → %(new)s")
                % {"old": old_labels, "new": Membership.Role(row.role).label}
            )
            row.action = "update"
        else:
            row.action = "add"
    else:
        if row.number and same_role.number != row.number:
            row.number_update_membership_id = same_role.pk
            row.changes.append(
                _("number: %(old)s → %(new)s") % {"old": same_role.number or "—", "new": row.number}
            )
        row.action = "update" if row.changes else "unchanged"


def plan_digest(planned):
    """A fingerprint of what the import will do; confirming refuses if it has changed."""
    digest = hashlib.sha256()
    for row in planned:
        digest.update(
            repr(
                (
                    row.row,
                    row.action,
                    row.user_id,
                    row.organisation_id,
                    row.role,
                    row.name,
                    row.phone,
                    row.number,
                    tuple(row.end_membership_ids),
                    row.number_update_membership_id,
                )
            ).encode()
        )
    return digest.hexdigest()


def summarise(planned):
    """Counts per action and per problem, for the top of the preview."""
    actions = dict.fromkeys(("create", "add", "update", "unchanged", "error"), 0)
    problems = {}
    for row in planned:
        actions[row.action] = actions.get(row.action, 0) + 1
        for code, _detail in row.problems:
            problems[code] = problems.get(code, 0) + 1
    problem_list = sorted(
        ((str(PROBLEMS[code]), count, code) for code, count in problems.items()),
        key=lambda item: -item[1],
    )
    return {"actions": actions, "problems": problem_list, "total": len(planned)}


# Applying --------------------------------------------------------------------------------------


def hash_one_time_passwords(passwords):
    """Hashes for many one-time passwords at once (see ONE_TIME_PASSWORD_ITERATIONS)."""
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher):

        def encode(password):
            return hasher.encode(password, hasher.salt(), ONE_TIME_PASSWORD_ITERATIONS)

        # hashlib's PBKDF2 releases the GIL, so threads use every core.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            return list(pool.map(encode, passwords))
    return [make_password(password) for password in passwords]


@dataclass
class ImportResult:
    """What an import did: new accounts with their one-time passwords, updates, counts."""

    created: list  # [(row, name, username, password)]
    added: int
    updated: list  # [(row, name, phone, changes)]
    unchanged: int
    skipped: int


def apply_import(user, records, expected_digest):
    """Save every valid row in one transaction, or nothing if the plan differs from the preview."""
    User = get_user_model()
    now = timezone.now()
    try:
        with transaction.atomic():
            planned = plan_import(user, records)
            if plan_digest(planned) != expected_digest:
                raise PlanChanged
            valid = [row for row in planned if row.is_valid]

            new_rows = [row for row in valid if row.action == "create"]
            passwords = [generate_one_time_password() for _row in new_rows]
            hashes = hash_one_time_passwords(passwords)
            User.objects.bulk_create(
                [
                    User(
                        username=row.phone,
                        phone=row.phone,
                        name=row.name,
                        password=hashed,
                        must_change_password=True,
                    )
                    for row, hashed in zip(new_rows, hashes, strict=True)
                ],
                batch_size=CHUNK,
            )
            ids_by_phone = {}
            for chunk in _chunks(row.phone for row in new_rows):
                ids_by_phone.update(User.objects.filter(phone__in=chunk).values_list("phone", "pk"))
            for row in new_rows:
                row.user_id = ids_by_phone[row.phone]

            ended = [pk for row in valid for pk in row.end_membership_ids]
            for chunk in _chunks(ended):
                Membership.objects.filter(pk__in=chunk).update(ended_at=now)

            renumbered = [
                Membership(pk=row.number_update_membership_id, number=row.number)
                for row in valid
                if row.number_update_membership_id
            ]
            Membership.objects.bulk_update(renumbered, ["number"], batch_size=CHUNK)

            joining = [
                row for row in valid if row.action in ("create", "add") or row.end_membership_ids
            ]
            created = Membership.objects.bulk_create(
                [
                    Membership(
                        user_id=row.user_id,
                        organisation_id=row.organisation_id,
                        role=row.role,
                        number=row.number,
                        started_at=now,
                    )
                    for row in joining
                ],
                batch_size=CHUNK,
            )
            _tell_attached_people(user, joining, created)
            _audit_import(user, planned, valid)
    except IntegrityError as clash:
        # Someone else saved a clashing phone or number between the plan and the write.
        raise PlanChanged from clash
    return ImportResult(
        created=[
            (row.row, row.name, row.phone, password)
            for row, password in zip(new_rows, passwords, strict=True)
        ],
        added=sum(1 for row in valid if row.action == "add"),
        updated=[(row.row, row.name, row.phone, row.changes) for row in valid if row.changes],
        unchanged=sum(1 for row in valid if row.action == "unchanged"),
        skipped=len(planned) - len(valid),
    )


def _tell_attached_people(actor, joining, created):
    """A message to everyone with an existing account who was attached to an organisation."""
    attached = [
        membership
        for row, membership in zip(joining, created, strict=True)
        if row.action != "create"
    ]
    if not attached:
        return
    ids = [membership.pk for membership in attached]
    notices = []
    for chunk in _chunks(ids):
        for membership in Membership.objects.filter(pk__in=chunk).select_related(
            "organisation", "user"
        ):
            notices.append(notify_added(membership.user, membership, actor))
    Notice.objects.bulk_create(notices, batch_size=CHUNK)


def _common_organisation(organisation_ids):
    """The deepest organisation above all of these (so the coordinators above see the entry)."""
    prefix = None
    for chunk in _chunks(organisation_ids):
        for path in Organisation.objects.filter(pk__in=chunk).values_list("path", flat=True):
            if prefix is None:
                prefix = path
            while not path.startswith(prefix):
                prefix = prefix[: -Organisation.steplen]
    return Organisation.objects.filter(path=prefix).first() if prefix else None


def _audit_import(actor, planned, valid):
    counts = summarise(planned)["actions"]
    audit.record(
        actor,
        "firesafety.import.confirm",
        instance=actor,
        organisation=_common_organisation({row.organisation_id for row in valid}),
        data={"rows": len(planned), **counts},
    )


# Sheets we hand out ----------------------------------------------------------------------------


def _workbook_bytes(header, rows, title):
    layout = Layout(widths=(14, 16, 44, 16, 12, 20), bold_rows=frozenset({0}))
    return xlsx_bytes([(title, [header, *rows], layout)])


def template_workbook(example_path):
    """The sheet to fill in: the header row and one example row."""
    with translation.override("zh-hans"):
        example_role = str(Membership.Role.STAFF.label)
    example_name = _("Zhang San (example: replace this row)")
    return _workbook_bytes(
        list(COLUMNS.values()),
        [[example_name, "13800000000", example_path, example_role, ""]],
        _("Members"),
    )


def passwords_workbook(created):
    """The new accounts and their one-time passwords, to hand out once."""
    return _workbook_bytes(
        [
            _("Row"),
            pgettext("person", "Name"),
            _("Login name (phone)"),
            _("One-time password"),
            _("Note"),
        ],
        [
            [row, name, username, password, _("Must be changed at first sign-in")]
            for row, name, username, password in created
        ],
        _("New accounts"),
    )
