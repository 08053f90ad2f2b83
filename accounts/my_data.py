"""My data (/account/): what is stored about a person, gathered from every app, and deletion.

Apps add a section by having a `my_data.py` module that calls `register_section` at import;
accounts knows nothing of them (organisations, and later courses and quizzes, sit above it).
A section gives columns and rows, which the page shows as a table and the JSON export writes
under the section's key. A section may also say how to anonymise its records when the account
is deleted: records stay for the statistics, the person's name and phone go.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Stored on the account in place of the real name; data, not interface text.
DELETED_NAME = "已注销用户"


@dataclass
class SectionData:
    """Rows of one section: columns are (key, label) pairs, rows are dicts by key."""

    columns: list
    rows: list
    single: bool = False  # one record shown as label: value pairs (the account itself)

    def as_json(self):
        rows = [{key: _json_value(value) for key, value in row.items()} for row in self.rows]
        return rows[0] if self.single and rows else rows

    def display_rows(self):
        """[[(label, text)]] per row, so a phone can show each cell with its label."""
        return [
            [(label, _display_value(row.get(key, ""))) for key, label in self.columns]
            for row in self.rows
        ]

    def pairs(self):
        rows = self.display_rows()
        return rows[0] if rows else []


def _json_value(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _display_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "；".join(str(item) for item in value)
    return value


@dataclass
class Section:
    key: str
    title: str
    collect: object  # callable(user) -> SectionData
    order: int = 100
    anonymise: object = None  # callable(user, now) or None
    empty_text: str = field(default=_("Nothing stored."))


_SECTIONS = {}
_discovered = False


def register_section(key, title, collect, order=100, anonymise=None, empty_text=None):
    """Add (or replace, on re-import) the section `key` to My data."""
    _SECTIONS[key] = Section(
        key=key,
        title=title,
        collect=collect,
        order=order,
        anonymise=anonymise,
        empty_text=empty_text or _("Nothing stored."),
    )


def sections():
    """Every registered section, in page order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("my_data")
        _discovered = True
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))


def account_section(user):
    return SectionData(
        columns=[
            ("username", _("Login name")),
            ("name", _("Real name")),
            ("phone", _("Mobile phone")),
            ("phone_verified_at", _("Phone confirmed")),
            ("email", _("E-mail address")),
            ("date_joined", _("Account created")),
            ("last_login", _("Last sign-in")),
        ],
        rows=[
            {
                "username": user.username,
                "name": user.name,
                "phone": user.phone or "",
                "phone_verified_at": (user.phone and user.phone_verified_at) or "",
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ],
        single=True,
    )


register_section("account", pgettext_lazy("user account", "Account"), account_section, order=0)


def notice_section(user):
    from .models import Notice

    return SectionData(
        columns=[
            ("title", _("title")),
            ("body", _("text")),
            ("link", _("link")),
            ("created_at", _("sent")),
            ("read_at", _("read")),
        ],
        rows=[
            {
                "title": notice.title,
                "body": notice.body,
                "link": notice.link,
                "created_at": notice.created_at,
                "read_at": notice.read_at or "",
            }
            for notice in Notice.objects.filter(user=user).order_by("-created_at")
        ],
    )


def delete_notices(user, now):
    # Messages to one person are of use to nobody else: they go with the account.
    from .models import Notice

    Notice.objects.filter(user=user).delete()


register_section("messages", _("Messages"), notice_section, order=50, anonymise=delete_notices)


def collect_my_data(user):
    """[(section, data)] for the page and the export."""
    return [(section, section.collect(user)) for section in sections()]


def export_my_data(user):
    """Everything stored about the person as a JSON-ready dict."""
    return {
        "exported_at": timezone.now().isoformat(),
        **{section.key: data.as_json() for section, data in collect_my_data(user)},
    }


def update_contact_details(user, name, phone, *, phone_verified_at=None):
    """Save a new name and phone; a login name that was the old phone follows the new one.

    A changed phone is confirmed only if `phone_verified_at` says when it was proved by SMS.
    """
    User = get_user_model()
    with transaction.atomic():
        # The stored phone, not the instance's: a bound form may have changed the instance.
        old_phone = User.objects.filter(pk=user.pk).values_list("phone", flat=True).get()
        if (
            phone
            and old_phone
            and user.username == old_phone
            and phone != old_phone
            and not User.objects.filter(username=phone).exclude(pk=user.pk).exists()
        ):
            user.username = phone
        if (phone or None) != old_phone:
            user.phone_verified_at = phone_verified_at if phone else None
        elif phone_verified_at and phone:
            user.phone_verified_at = phone_verified_at
        user.name = name
        user.phone = phone or None
        user.save(update_fields=["name", "phone", "username", "phone_verified_at"])
    return user


def delete_account(user):
    """Anonymise the account: name and phone go, records stay for the statistics."""
    now = timezone.now()
    with transaction.atomic():
        for section in sections():
            if section.anonymise:
                section.anonymise(user, now)
        user.name = DELETED_NAME
        user.phone = None
        user.phone_verified_at = None
        user.email = ""
        user.username = f"deleted-{secrets.token_hex(8)}"
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.must_change_password = False
        user.save()
    return user
