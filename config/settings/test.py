"""Settings for the pytest suite: fast hashing, no debug, tasks run immediately."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Pictures the demo loads and their renditions: not into the checkout's media/.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "firesafety-test-media"
# The database name for PostgreSQL runs comes from DATABASE_URL; pytest-django prefixes "test_".
STORAGES = {
    **STORAGES,
    "exports": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(tempfile.gettempdir()) / "firesafety-test-exports"},
    },
    "imports": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(env("IMPORTS_ROOT", "") or tempfile.gettempdir())
            / "firesafety-test-imports"
        },
    },
    "private": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(tempfile.gettempdir()) / "firesafety-test-private"},
    },
}
WAGTAILADMIN_BASE_URL = env("SITE_BASE_URL", "http://testserver")
SMS_BACKEND = "accounts.sms.backends.locmem.SmsBackend"
