"""Settings for the pytest suite: fast hashing, no debug, tasks run immediately."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, env

# `make test` runs the suite in two processes (pytest-xdist): each has its own files and, on
# Redis, its own database, since every test starts by clearing the cache.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_TMP = Path(tempfile.gettempdir()) / f"firesafety-test{_WORKER and '-' + _WORKER}"
if REDIS_URL and _WORKER:
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(REDIS_URL)
    _db = int(_url.path.strip("/") or 0) - int(_WORKER.removeprefix("gw"))
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db % 16}"))

SECRET_KEY = "test-only-key"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Pictures the demo loads and their renditions: not into the checkout's media/.
MEDIA_ROOT = _TMP / "media"
# The database name for PostgreSQL runs comes from DATABASE_URL; pytest-django prefixes "test_".
STORAGES = {
    **STORAGES,
    "exports": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {"location": _TMP / "exports"},
    },
    "imports": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(env("IMPORTS_ROOT", "") or _TMP) / "imports"},
    },
    "private": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {"location": _TMP / "private"},
    },
}
WAGTAILADMIN_BASE_URL = env("SITE_BASE_URL", "http://testserver")
SMS_BACKEND = "accounts.sms.backends.locmem.SmsBackend"
