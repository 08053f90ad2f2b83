"""Which msgids of the project's catalogue also sit, differently translated, in Django's or an
installed library's (Wagtail's) catalogue. Django merges catalogues and the project's wins, so such
a msgid silently changes the library's own screens (the admin's "Pages" read 分页).

Run `python -m tests.config.catalogues` to list them; tests/config/test_catalogue_overrides.py
fails on any.
"""

import gettext
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings

LANGUAGE = "zh_Hans"


def _catalogue(locale_dir):
    path = Path(locale_dir) / LANGUAGE / "LC_MESSAGES" / "django.mo"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def library_catalogues():
    """{locale folder: catalogue} for Django itself and every installed app outside the project."""
    project = Path(settings.BASE_DIR).resolve()
    folders = [Path(django.__file__).parent / "conf" / "locale"]
    for config in apps.get_app_configs():
        app_path = Path(config.path).resolve()
        if project in app_path.parents and ".venv" not in app_path.parts:
            continue
        folders.append(app_path / "locale")
    return {str(folder): _catalogue(folder) for folder in folders}


def overrides():
    """[(msgid, ours, theirs, where)] for msgids without a context translated otherwise by us."""
    ours = {}
    for folder in settings.LOCALE_PATHS:
        ours.update(_catalogue(folder))
    found = []
    for where, theirs in library_catalogues().items():
        for key, translation in theirs.items():
            # Plural entries are keyed (msgid, n); a context makes the msgid "context\x04msgid".
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid or "\x04" in msgid:
                continue
            mine = ours.get(key)
            if mine and translation and mine != translation:
                found.append((msgid, mine, translation, where))
    return sorted(found)


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    for msgid, mine, theirs, where in overrides():
        print(  # noqa: T201 (a command-line check)
            f"{msgid!r}: ours {mine!r}, theirs {theirs!r} ({where})"
        )
