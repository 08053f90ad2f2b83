"""Settings of the gunicorn site in test_killed_worker: a worker dies just after a submit's commit.

Only the test starts a server with these settings; production and the suite never load them.
"""

from config.settings.test import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.idempotency.killer.KillAfterCommit"]  # noqa: F405
