"""Join codes: handing them out, rotating them, and turning a code into an account and a membership.

A coordinator makes a code for an organisation in their scope; people open `/join/<code>/`.
Adults register with their real name, phone and a password (the phone becomes the login name),
then prove the phone with a code sent by SMS before the account is made;
students give only their name and their number in the class, never a phone, and get a short
generated login name and password to write down. Someone already signed in just gets the new
membership.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import JoinCode, Membership, code_roles, generate_join_code
from .services import PROVEN_PHONE_ROLES

# Wrong codes per address per window before /join/ answers 429: enough for typing mistakes,
# far too few to guess one of 25**8 codes.
# These throttles (and the POST counters below) fail open when the cache cannot be reached
# (config/cache.py counts a lost counter as a fresh one): while Redis is down a guesser gets a
# few minutes at 25**8 codes, which is nothing, whereas failing closed would refuse every class
# registering that morning. The limits that protect people (SMS codes per phone and address,
# tries per code) are counted in the database by accounts.phone_codes and do not fail open;
# nor does the sign-in lockout, which django-axes counts in the database.
WRONG_CODE_LIMIT = 10
WRONG_CODE_WINDOW_SECONDS = 60
# POSTs to /join/ (registration, codes, joining) per address and per phone: (count, seconds).
# A whole class registers from one school address, hence the generous figure for addresses.
JOIN_POST_LIMITS = {"ip": (100, 10 * 60), "phone": (10, 60 * 60)}

# Student passwords are read off a notebook by a nine-year-old: lower-case letters nobody
# confuses (no l, o, i) and digits without 0/1.
STUDENT_PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz"  # noqa: S105 - an alphabet
STUDENT_PASSWORD_DIGITS = "23456789"  # noqa: S105 - an alphabet


class AlreadyJoined(Exception):
    """The person (or this student number) is already a current member in this role."""


class PhoneNotProven(Exception):
    """The code grants a role that needs a confirmed phone, and the account's is not."""


class PhoneAlreadyRegistered(Exception):
    """The phone of a registration has an account by now: no second account is made."""


def create_join_code(organisation, role, created_by, expires_at=None):
    """A new active code for the organisation; retried on the rare clash with an existing code."""
    if role not in code_roles(organisation):
        raise ValueError(f"a join code of a {organisation.kind} cannot grant {role}")
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return JoinCode.objects.create(
                    organisation=organisation,
                    code=generate_join_code(),
                    role=role,
                    expires_at=expires_at,
                    created_by=created_by,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free join code")  # 25**8 codes: practically unreachable


class RoleNotGrantable(Exception):
    """The code's role is no longer one a code of its organisation may grant (code_roles)."""


def rotate_join_code(join_code, created_by):
    """Disable the code and make a new one with the same role and expiry for the same place."""
    if join_code.role not in code_roles(join_code.organisation):
        raise RoleNotGrantable
    with transaction.atomic():
        disable_join_code(join_code)
        return create_join_code(
            join_code.organisation, join_code.role, created_by, join_code.expires_at
        )


def disable_join_code(join_code):
    """Stop the code working; it stays listed so coordinators see what was handed out."""
    JoinCode.objects.filter(pk=join_code.pk).update(is_active=False)
    join_code.is_active = False


def normalise_code(value):
    """Codes are printed in capitals; people type them in any case, with spaces or dashes."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:20]


def find_join_code(code):
    """The join code with this text, or None."""
    return JoinCode.objects.select_related("organisation").filter(code=normalise_code(code)).first()


def _throttle_key(ip_address):
    return f"join:wrong-codes:{ip_address}"


def _count_in_window(key, window_seconds):
    """Add one to a fixed-window counter in the cache and return it."""
    # add() starts the window only if none is running, so the window is fixed, not sliding.
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): start a fresh one.
        cache.set(key, 1, window_seconds)
        return 1


def is_throttled(ip_address):
    """True once this address has tried too many wrong codes in the current window."""
    return (cache.get(_throttle_key(ip_address)) or 0) >= WRONG_CODE_LIMIT


def record_wrong_code(ip_address):
    """Count a wrong code for this address; the count expires with the window."""
    _count_in_window(_throttle_key(ip_address), WRONG_CODE_WINDOW_SECONDS)


def too_many_posts(kind, value):
    """Count one /join/ POST against an address ("ip") or a phone ("phone"); True when over.

    These counters live in the cache, not the database: they are checked on every POST, and
    the limits that protect people (codes per phone and address, tries per code) are counted
    in the database by accounts.phone_codes. Losing these counts with a cache restart lets a
    few more POSTs through for one window, which is acceptable.
    """
    limit, window = JOIN_POST_LIMITS[kind]
    return _count_in_window(f"join:posts:{kind}:{value}", window) > limit


def current_membership(user, join_code):
    return (
        Membership.objects.current()
        .filter(user=user, organisation=join_code.organisation, role=join_code.role)
        .first()
    )


def student_number_taken(join_code, number):
    """The current membership that already holds this number in the class, if any."""
    return (
        Membership.objects.current()
        .filter(organisation=join_code.organisation, number=number)
        .exclude(number="")
        .first()
    )


def join_as_existing_user(user, join_code, number=""):
    """Give a signed-in person the membership the code grants: never a second account."""
    if join_code.role in PROVEN_PHONE_ROLES and not user.phone_is_verified:
        # The same rule as add-member and the import: nobody collects 责任人 or 管理人 with a
        # number they never proved.
        raise PhoneNotProven
    with transaction.atomic():
        if current_membership(user, join_code):
            raise AlreadyJoined
        if number and student_number_taken(join_code, number):
            raise AlreadyJoined
        return Membership.objects.create(
            user=user, organisation=join_code.organisation, role=join_code.role, number=number
        )


def register_adult(join_code, name, phone, *, password_hash, phone_verified_at):
    """A new account (login name = the phone, proved by SMS) with the code's membership."""
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(Q(phone=phone) | Q(username=phone)).exists():
            raise PhoneAlreadyRegistered
        # The password was hashed when the details were given, so it never waits in plain text.
        user = User(
            username=phone,
            name=name,
            phone=phone,
            password=password_hash,
            phone_verified_at=phone_verified_at,
        )
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as clash:
            # Someone registered the same phone a moment ago.
            raise PhoneAlreadyRegistered from clash
        Membership.objects.create(
            user=user, organisation=join_code.organisation, role=join_code.role
        )
        return user


def generate_student_password():
    """Three easy letters and four digits, e.g. kmt4827: short enough to copy into a notebook."""
    letters = "".join(secrets.choice(STUDENT_PASSWORD_LETTERS) for _ in range(3))
    digits = "".join(secrets.choice(STUDENT_PASSWORD_DIGITS) for _ in range(4))
    return letters + digits


def student_login_name(join_code, number):
    """c<class id>-<number>, e.g. c42-7: easy to type, and the class stays the same if the code
    is rotated. A suffix is added if a former student of the class already used the name."""
    User = get_user_model()
    cleaned = "".join(ch for ch in number if ch.isalnum()).lower() or "x"
    base = f"c{join_code.organisation_id}-{cleaned}"
    candidate, suffix = base, 1
    while User.objects.filter(username=candidate).exists():
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def register_student(join_code, name, number):
    """A student account with a generated login name and password; returns (user, password).

    No phone and nothing else: the school acts for the guardians, so we keep only what the
    teacher needs to see the student's progress in the class.
    """
    User = get_user_model()
    with transaction.atomic():
        if student_number_taken(join_code, number):
            raise AlreadyJoined
        password = generate_student_password()
        user = User(username=student_login_name(join_code, number), name=name)
        user.set_password(password)
        user.save()
        try:
            with transaction.atomic():
                Membership.objects.create(
                    user=user,
                    organisation=join_code.organisation,
                    role=join_code.role,
                    number=number,
                )
        except IntegrityError as clash:
            # Two classmates pressed the button with the same number at the same moment.
            raise AlreadyJoined from clash
        return user, password


def join_code_state(join_code, now=None):
    """'usable', 'expired' or 'disabled', for a clear message at /join/."""
    now = now or timezone.now()
    if join_code.is_usable(now):
        return "usable"
    if join_code.is_active and join_code.organisation.is_active and join_code.expires_at:
        return "expired"
    return "disabled"
