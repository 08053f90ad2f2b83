"""Production: every security value comes from the environment, with no fallback."""

from django.core.exceptions import ImproperlyConfigured

from config.log_settings import production_logging

from .base import *  # noqa: F403
from .base import DEFAULT_FROM_EMAIL, REDIS_URL, STORAGES, env, env_list

DEBUG = False
IS_PRODUCTION = True
SECRET_KEY = env("SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", required=True)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", required=True)
# Several gunicorn workers need one cache: the join-code throttle counts wrong codes there, and
# with a local-memory cache per worker the limit would be multiplied by the workers. (Member
# imports keep nothing in the cache: they wait in the database and private storage.)
if not REDIS_URL:
    raise ImproperlyConfigured(
        "The environment variable REDIS_URL must be set for this configuration: "
        "the workers share their cache through it."
    )

# 等保 2.0: administrators sign in with two factors.
TWO_FACTOR_REQUIRED = True

# TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Errors (and INFO and above) to stderr, each line with its request id (config/log_settings.py).
# ADMINS (comma-separated addresses) also mails them each server error.
ADMINS = [(address, address) for address in env_list("ADMINS")]
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LOGGING = production_logging(env("LOG_LEVEL", "INFO"), mail_admins=bool(ADMINS))
