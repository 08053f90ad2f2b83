"""The house's rules that a test can check over the source (the layering: make contracts)."""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "alerts",
    "config",
    "courses",
    "editorial",
    "handbooks",
    "home",
    "inspections",
    "organisations",
    "quizzes",
    "reports",
    "spreadsheets",
    "volunteers",
]


def app_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, path.read_text(encoding="utf-8")


def test_raw_sql_names_tables_through_the_models():
    tables = {model._meta.db_table for model in apps.get_models()}
    literal = re.compile(rf"\b({'|'.join(sorted(map(re.escape, tables)))})\b")
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1} {match.group()}"
        for path, text in app_sources()
        for match in literal.finditer(text)
    ]
    assert found == [], "use Model._meta.db_table, not the table's name"


def test_apps_log_through_named_loggers():
    root_logging = re.compile(r"\blogging\.(debug|info|warning|error|exception|critical|log)\(")
    found = [
        str(path.relative_to(ROOT)) for path, text in app_sources() if root_logging.search(text)
    ]
    assert found == [], "use logger = logging.getLogger(__name__)"
