"""Local development: debug on (DEBUG=0 turns it off), a local key, mail to the console."""

from .base import *  # noqa: F403
from .base import env

# DEBUG=0 make run shows the site's own Chinese 404 and 500 pages instead of Django's debug ones.
DEBUG = env("DEBUG", "1") != "0"
# WhiteNoise serves the app folders' static files with DEBUG off too, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
INTERNAL_IPS = ["127.0.0.1"]

# The console SMS backend logs at INFO: show it in the runserver output.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"accounts.sms": {"handlers": ["console"], "level": "INFO"}},
}
