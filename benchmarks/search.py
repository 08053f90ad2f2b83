"""Where a search's time goes: python -m benchmarks.search [--query 灭火器] [--database PATH]

Against a demo database (migrate + load_demo into PATH when it is missing; a temporary one by
default), in-process with the test settings: the query cut into words by jieba, the full-text
query with the specific pages' fetch, the snippets of one page of results, the whole view
signed out without the page cache, and a repeat served from it. Prints a Markdown table: median
ms and queries of each step.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .setup import median_seconds


def _counted(func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def steps(query, repeat):
    """(label, seconds, queries) of each step of one search for `query`."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client, override_settings

    from editorial import segmentation
    from home.search import describe, search_pages
    from home.views import RESULTS_PER_PAGE

    rows = []
    limit = settings.SEARCH_QUERY_MAX_LENGTH
    groups = segmentation.query_word_groups(query, limit)
    rows.append(
        (
            f"cut {query!r} into {groups}",
            median_seconds(lambda: segmentation.query_word_groups(query, limit), repeat),
            0,
        )
    )
    rows.append(
        (
            "full-text query + specific pages",
            median_seconds(lambda: search_pages(groups), repeat),
            _counted(lambda: search_pages(groups)),
        )
    )
    first_page = search_pages(groups)[:RESULTS_PER_PAGE]
    rows.append(
        (
            f"snippets of {len(first_page)} results",
            median_seconds(lambda: describe(first_page, groups), repeat),
            _counted(lambda: describe(first_page, groups)),
        )
    )
    client = Client()
    with override_settings(PAGE_CACHE_SECONDS=0):
        view = lambda: client.get("/search/", {"q": query})  # noqa: E731
        rows.append(("whole view, no page cache", median_seconds(view, repeat), _counted(view)))
    with override_settings(PAGE_CACHE_SECONDS=600):
        cache.clear()
        view()
        rows.append(
            ("whole view, from the page cache", median_seconds(view, repeat), _counted(view))
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="灭火器")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database", help="an SQLite demo file: made if missing, then kept")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="firesafety-search-") as scratch:
        path = Path(args.database or Path(scratch) / "demo.sqlite3").resolve()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        import django

        django.setup()
        from django.core.management import call_command

        if not path.exists() or path.stat().st_size == 0:
            print(f"making the demo database {path} (migrate + load_demo)", file=sys.stderr)
            call_command("migrate", verbosity=0)
            call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"search for {args.query!r}, median of {args.repeat}")
        print("| step | ms | queries |\n|---|---:|---:|")
        for label, seconds, queries in steps(args.query, args.repeat):
            print(f"| {label} | {seconds * 1000:.1f} | {'—' if queries is None else queries} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
