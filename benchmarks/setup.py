"""Point Django at the benchmark database before anything imports the models."""

import os
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
