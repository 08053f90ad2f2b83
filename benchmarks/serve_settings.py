"""The site as production runs it, for benchmarks.serve: only the demo's pictures move.

load_demo uploads pictures into MEDIA_ROOT; a benchmark must not leave them in the checkout's
media/, so they go to a directory of the temporary directory that the benchmark empties.
"""

from config.settings.production import *  # noqa: F403

from .setup import SERVE_MEDIA_ROOT

MEDIA_ROOT = SERVE_MEDIA_ROOT
