"""Local development: debug on, an obviously local key, mail to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
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
