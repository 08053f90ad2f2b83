"""benchmarks.serve_settings with the bare view as the only URL (benchmarks/bare.py)."""

from .serve_settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bare"
