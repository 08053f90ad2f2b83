import re
from pathlib import Path

import pytest

PO_FILE = Path(__file__).resolve().parents[2] / "site/locale/zh_Hans/LC_MESSAGES/django.po"
ENTRY = re.compile(
    r'^msgid "(.*?)"\n((?:".*"\n)*)'
    r'(?:msgid_plural .*\n(?:".*"\n)*)?'
    r'msgstr(?:\[0\])? "(.*?)"\n((?:".*"\n)*)',
    re.M,
)


def po_entries():
    text = PO_FILE.read_text(encoding="utf-8")
    for match in ENTRY.finditer(text):
        msgid = match.group(1) + "".join(line[1:-1] for line in match.group(2).splitlines())
        msgstr = match.group(3) + "".join(line[1:-1] for line in match.group(4).splitlines())
        if msgid:
            yield msgid, msgstr


def test_every_string_has_a_chinese_translation():
    entries = list(po_entries())
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []


def test_no_translation_is_marked_fuzzy():
    assert "#, fuzzy" not in PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[1]


@pytest.mark.django_db
def test_wagtail_admin_speaks_chinese(client):
    page = client.get("/admin/login/").content.decode()
    assert "登录" in page


def test_the_project_catalogue_never_overrides_wagtails_own_translations():
    """LOCALE_PATHS win over every app's catalogue, so a shared msgid would rename the admin."""
    import gettext

    import wagtail

    with (PO_FILE.parent / "django.mo").open("rb") as handle:
        ours = gettext.GNUTranslations(handle)._catalog
    theirs = {}
    for mo_file in Path(wagtail.__file__).parent.rglob("locale/zh_Hans/LC_MESSAGES/django.mo"):
        with mo_file.open("rb") as handle:
            for key, value in gettext.GNUTranslations(handle)._catalog.items():
                theirs.setdefault(key, set()).add(value)
    clashes = [
        (key, ours[key], values)
        for key, values in theirs.items()
        if key and key in ours and ours[key] not in values
    ]
    assert clashes == []
