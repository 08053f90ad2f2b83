"""The project's catalogue must never re-translate a msgid Django or Wagtail translate themselves:
Django merges catalogues and ours wins, so the admin's own screens would change (分页 for Pages).
A short word the project needs gets a message context (pgettext, {% translate "x" context "y" %}).
"""

import subprocess

from tests.config.catalogues import overrides


def test_the_project_catalogue_overrides_no_django_or_wagtail_msgid():
    found = list(overrides())
    assert found == [], "\n".join(
        f"{msgid!r}: ours {mine!r}, theirs {theirs!r} ({where})"
        for msgid, mine, theirs, where in found
    )


def test_the_check_sees_an_override(settings, tmp_path):
    # The check is only worth having if it finds one: a catalogue of ours saying 分页 for Pages.
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Pages"\nmsgstr "分页"\n',
        encoding="utf-8",
    )
    # msgfmt is what compilemessages runs; it is installed wherever translations are built.
    subprocess.run(["msgfmt", "-o", folder / "django.mo", folder / "django.po"], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    assert ("Pages", "分页") in [(msgid, mine) for msgid, mine, _, _ in overrides()]
