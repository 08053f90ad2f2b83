"""Point Django at the benchmark database before anything imports the models."""

import os
import tempfile
from pathlib import Path

DEFAULT_DATABASE_URL = f"sqlite:///{Path(__file__).resolve().parent / 'bench.sqlite3'}"


def setup_django(database_url=None):
    """Use the test settings (fast hashing, any host) against the benchmark database."""
    os.environ["DATABASE_URL"] = database_url or os.environ.get(
        "BENCH_DATABASE_URL", DEFAULT_DATABASE_URL
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()


def median_seconds(func, repeat):
    """Median wall time of `repeat` calls after one warm-up call."""
    import statistics
    import time

    func()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def run_module(doc, run, argv=None, repeat=3):
    """The command line shared by the benchmark modules: a Markdown table of run(repeat)'s rows."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--database-url", help="default: benchmarks/bench.sqlite3")
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection

    print(f"{connection.vendor}; median of {args.repeat}")
    print("| measure | ms | queries |\n|---|---:|---:|")
    for label, seconds, queries in run(args.repeat):
        print(f"| {label} | {seconds * 1000:.0f} | {queries if queries is not None else '—'} |")
    return 0


# benchmarks.serve's demo pictures (benchmarks/serve_settings.py): never the checkout's media/.
SERVE_MEDIA_ROOT = Path(tempfile.gettempdir()) / "firesafety-serve-media"
