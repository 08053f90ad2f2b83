"""Settings shared by every environment; the environment is read here and nowhere else."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None, *, required=False):
    """Read one environment variable; a required one that is missing stops the process."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be set for this configuration."
        )
    return default


def env_list(name, default="", *, required=False):
    return [item.strip() for item in env(name, default, required=required).split(",") if item]


DEBUG = False
# Production refuses demo data and other conveniences; only production.py sets this.
IS_PRODUCTION = False

INSTALLED_APPS = [
    # Project apps first so their templates override the ones shipped by Wagtail.
    "home",
    "reports",
    "volunteers",
    "alerts",
    "drills",
    "handbooks",
    "inspections",
    "courses",
    "quizzes",
    "organisations",
    "accounts",
    "editorial",
    "idempotency",
    "videos",
    "wagtailmedia",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.AccountsUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_guid",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # The cache remembers its reads for the request and fetches the known keys at once
    # (config/cache.py); a no-op without Redis.
    "config.cache.RequestMemoMiddleware",
    # First after it, so that every log line of the request and every response carry its id.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    # A view's database error answers a 503 (config/faults.py; handler500 covers middleware's).
    "config.faults.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale, so that its 400 page is in the visitor's language.
    "accounts.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # For the message after a workflow decision (editorial/review_messages.py).
    "editorial.review_messages.RememberRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    # Before the password change: a second factor is owed before anything else is shown.
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    # After sign-in and messages are known: anonymous Wagtail pages from the cache
    # (editorial/page_cache.py).
    "editorial.page_cache.AnonymousPageCacheMiddleware",
    # After it, whose hits need no route: the site and the page's route from the cache
    # (editorial/routes.py).
    "editorial.routes.RouteCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The request id (config/log_settings.py): the proxy's X-Request-ID when it is a UUID, else new.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.display_preferences",
                # Unread messages and 我的志愿服务 for the header, in one query.
                "organisations.context_processors.header",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL names another (PostgreSQL in production). Persistent
# connections are checked before each request reuses them, so that a PostgreSQL restart costs
# only the requests in flight (answered by config.faults with a 503), not every worker's next one.
_conn_max_age = int(env("DATABASE_CONN_MAX_AGE", "0"))
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=_conn_max_age,
        conn_health_checks=_conn_max_age > 0,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: local memory, or Redis when REDIS_URL is set. Sessions are written to the
# database either way (with Redis, read through it), so a Redis restart signs nobody out. The
# Redis cache is disposable (config/cache.py): unreachable, it is a miss, and a short socket
# timeout keeps a hung Redis from hanging every worker.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    _cache_timeout = float(env("CACHE_SOCKET_TIMEOUT", "0.25"))
    CACHES = {
        "default": {
            "BACKEND": "config.cache.DisposableRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "firesafety"),
            "OPTIONS": {
                "socket_connect_timeout": _cache_timeout,
                "socket_timeout": _cache_timeout,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The full-page cache for anonymous visitors (editorial/page_cache.py): how long an entry lives at
# most (0 turns the cache off), and how long a reverse proxy may keep a page without asking again.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_PROXY_SECONDS = int(env("PAGE_CACHE_PROXY_SECONDS", "10"))
# The reader's large-type choice, read by the templates and by the page cache's key.
LARGE_TYPE_COOKIE = "large_type"

# Background work: Wagtail 8 queues search indexing and reference updates as django_tasks
# tasks. "immediate" runs them in the request; "database" queues them for `manage.py db_worker`.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_task_backend = env("TASKS_BACKEND", "immediate")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

# Accounts and sign-in.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 first (memory-hard, and cheaper per sign-in than PBKDF2 at Django's iteration count);
# PBKDF2 stays so that existing hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# Lockout (django-axes, counted in the database): 5 failures for one login name lock that name
# for 15 minutes; an address is locked only after 50 failures in 15 minutes, so that a school
# behind one NAT address is not locked by a few pupils' typos (accounts/lockout.py).
AXES_FAILURE_LIMIT = 5
SIGN_IN_ADDRESS_FAILURE_LIMIT = 50
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_HANDLER = "accounts.lockout.SignInLockoutHandler"
# One row per failure: the address rule counts them.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
# Axes warns when the address is not among its lockout parameters; here it is counted by the
# handler above, with its own limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_IPWARE_PROXY_COUNT = int(env("PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Two-factor sign-in (django-otp: TOTP apps and recovery codes). Superusers, Wagtail staff and
# coordinators of a district, street, town or industry department must use it where this is
# True (production); elsewhere it is offered, and asked for once someone has set it up.
TWO_FACTOR_REQUIRED = False
# How long the code step waits after a correct password before the password is asked again.
TWO_FACTOR_PENDING_SECONDS = 5 * 60
OTP_TOTP_ISSUER = lambda device: str(WAGTAIL_SITE_NAME)  # noqa: E731 - django-otp takes a callable
# Failures are counted by the lockout above (per person and per address); django-otp's own
# growing delay would also refuse a correct code typed a second after a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Language and time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "site" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files and uploads.
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
# Report exports hold names and phones: outside MEDIA_ROOT, no URL, handed out by a view. The
# web process and the task worker must both reach this directory.
EXPORTS_ROOT = Path(env("EXPORTS_ROOT", str(BASE_DIR / "var" / "exports")))
# Uploaded member sheets waiting for confirmation, and the one-time passwords sheet until its
# one download: private like the exports, and shared by every web worker.
IMPORTS_ROOT = Path(env("IMPORTS_ROOT", str(BASE_DIR / "var" / "imports")))
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# Every storage removes a file it could not finish writing, and a full disk raises a DiskFull
# that the pages turn into a clear message (config/storage.py).
STORAGES = {
    "default": {"BACKEND": "config.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {"location": EXPORTS_ROOT, "base_url": None},
    },
    "imports": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {"location": IMPORTS_ROOT, "base_url": None},
    },
    # Personal uploads (volunteers' photos): likewise outside MEDIA_ROOT, served after a check.
    "private": {
        "BACKEND": "config.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
# Object storage, for when one machine is not enough: with AWS_STORAGE_BUCKET_NAME set, media
# (Wagtail's images, renditions and documents) go to that S3-compatible bucket instead of
# MEDIA_ROOT; pictures by plain URL, everything else by signed, expiring URL
# (config/object_storage.py). Credentials are read by boto3 from its own environment variables
# (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or the machine's role, never from settings.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    _addressing_style = env("AWS_S3_ADDRESSING_STYLE")
    if _addressing_style not in {None, "auto", "virtual", "path"}:
        raise ImproperlyConfigured("AWS_S3_ADDRESSING_STYLE must be auto, virtual or path.")
    STORAGES["default"] = {
        "BACKEND": "config.object_storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "addressing_style": _addressing_style,
            "signature_version": env("AWS_S3_SIGNATURE_VERSION", "s3v4"),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN"),
            "location": env("AWS_LOCATION", ""),
            "querystring_expire": int(env("MEDIA_SIGNED_URL_SECONDS", "300")),
            # Uploads are named after the file: a second 通知.pdf gets a suffix, as on disk,
            # instead of replacing the first one's object.
            "file_overwrite": False,
        },
    }
    # Exports, member sheets and volunteers' photos hold names, phones and passwords: on a disk
    # (shared by the web machines and db_worker) unless the operator also puts them in the
    # bucket, under private/ with no public URL, still served only by the checked views.
    if env("PRIVATE_FILES_IN_BUCKET", "false").lower() == "true":
        for _alias in ("exports", "imports", "private"):
            STORAGES[_alias] = {
                "BACKEND": "config.object_storage.MediaStorage",
                "OPTIONS": {
                    **STORAGES["default"]["OPTIONS"],
                    "location": "/".join(filter(None, [env("AWS_LOCATION"), "private", _alias])),
                    "custom_domain": None,
                    "public_prefixes": (),
                },
            }
    # The documents view checks the collection's privacy, then redirects to a signed URL: the
    # bucket sends the bytes, not a gunicorn worker.
    WAGTAILDOCS_SERVE_METHOD = "redirect"
else:
    # Wagtail's view streams the file after its checks (nginx must not serve media/documents/).
    WAGTAILDOCS_SERVE_METHOD = "serve_view"
# People-list Excel exports above this many rows are written in the background with progress.
REPORTS_BACKGROUND_EXPORT_ROWS = 10_000
REPORTS_EXPORTS_KEPT_HOURS = 24
# A member import waits this long for its confirmation; its result (and the passwords sheet, if
# not yet downloaded) is kept this long after the confirmation.
MEMBER_IMPORT_PENDING_MINUTES = 60
MEMBER_IMPORT_RESULT_MINUTES = 30
# Submit keys (idempotency app) answer replays of a form this long; `forget_old_idempotency_keys`
# deletes older ones. A replay after that is a fresh submit, still bound by the services' rules.
IDEMPOTENCY_KEYS_KEPT_DAYS = 7
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploaded sheets are checked against these before they are read (spreadsheets/reading.py;
# listed in the README's security section). An .xlsx is a zip: its declared unpacked sizes are
# checked first, then the first sheet is scanned, stopping at the first row or column too many.
IMPORT_LIMITS = {
    "file_bytes": 5 * 1024 * 1024,  # the uploaded file
    "uncompressed_bytes": 50 * 1024 * 1024,  # all parts of the .xlsx, unpacked
    "shared_strings_bytes": 20 * 1024 * 1024,  # the part that holds the texts, unpacked
    "xml_part_bytes": 4 * 1024 * 1024,  # any other XML part (styles, workbook), unpacked
    "zip_members": 100,  # parts in the .xlsx
    "rows": 20_000,  # data rows, below the header row
    "columns": 30,  # columns holding data
    "line_chars": 10_000,  # characters in one line of a CSV file
}
# The question bank's sheets carry long explanations: larger files, fewer rows.
QUESTION_IMPORT_LIMITS = {**IMPORT_LIMITS, "file_bytes": 10 * 1024 * 1024, "rows": 10_000}
# Question banks in Word (.docx) or plain text (.txt), read by spreadsheets/documents.py.
QUESTION_DOCUMENT_LIMITS = {
    "file_bytes": 10 * 1024 * 1024,  # the uploaded file
    "uncompressed_bytes": 50 * 1024 * 1024,  # all parts of the .docx unpacked, pictures included
    "xml_part_bytes": 20 * 1024 * 1024,  # any one XML part (the text is word/document.xml)
    "zip_members": 300,  # parts in the .docx (each picture is one)
    "lines": 60_000,  # paragraphs of the .docx or lines of the .txt, empty ones included
    "line_chars": 10_000,  # characters in one paragraph or line
    "questions": 10_000,  # questions in one file, as rows of a sheet
    "field_chars": 5_000,  # characters of a question's text or of its explanation
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail: reminders go out by e-mail where an address exists.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@firesafety.localhost")

# Wagtail.
WAGTAIL_SITE_NAME = _("Fire safety learning platform")
WAGTAILADMIN_BASE_URL = env("SITE_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
# SVG uploads can carry script; only raster images are accepted.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Lesson videos (videos app, on wagtailmedia): mp4 or webm, checked with ffprobe on upload. The
# reverse proxy's body limit (nginx client_max_body_size) must be at least VIDEO_MAX_UPLOAD_SIZE.
WAGTAILMEDIA = {
    "MEDIA_MODEL": "videos.Video",
    "MEDIA_FORM_BASE": "videos.forms.VideoForm",
    "VIDEO_EXTENSIONS": ["mp4", "webm"],
    "AUDIO_EXTENSIONS": [],
}
VIDEO_MAX_UPLOAD_SIZE = int(env("VIDEO_MAX_UPLOAD_SIZE", str(1024 * 1024 * 1024)))
# Set to the internal nginx location (e.g. /protected-media/) to have nginx send video bytes
# after the permission check (X-Accel-Redirect); empty: Django sends them with byte ranges.
VIDEO_ACCEL_REDIRECT_PREFIX = env("VIDEO_ACCEL_REDIRECT_PREFIX", "")
# The upload task makes an H.264/AAC mp4 at each of these heights below the file's own: 720 is
# offered as 清晰, 480 as 流畅 (the player starts with 流畅 on a slow connection).
VIDEO_RENDITION_HEIGHTS = [720, 480]
# load_demo keeps the demo videos it encodes here (keyed by their spec and ffmpeg's version), so a
# second load, or the test suite's many, copies them instead of spending ~9 s in ffmpeg each time.
# Empty: no cache.
DEMO_VIDEO_CACHE_DIR = env(
    "DEMO_VIDEO_CACHE_DIR",
    os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "firesafety"),
)
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# The admin signs in through the site's sign-in, which asks for the second factor.
WAGTAILADMIN_LOGIN_URL = "accounts:login"
# Private documents and pages send visitors there too, not to Wagtail's plain /_util/login/.
WAGTAIL_FRONTEND_LOGIN_URL = "accounts:login"

# Search: longer queries are cut to this many characters before segmentation.
SEARCH_QUERY_MAX_LENGTH = 200

# Text messages (SMS): confirmation codes for phones. The console backend writes them to the
# server log; "accounts.sms.backends.aliyun.SmsBackend" sends them through Aliyun SMS with the
# templates approved there (README.md, "Text messages").
SMS_BACKEND = env("SMS_BACKEND", "accounts.sms.backends.console.SmsBackend")
SMS_ALIYUN = {
    "access_key_id": env("SMS_ALIYUN_ACCESS_KEY_ID", ""),
    "access_key_secret": env("SMS_ALIYUN_ACCESS_KEY_SECRET", ""),
    "sign_name": env("SMS_ALIYUN_SIGN_NAME", ""),
    "region": env("SMS_ALIYUN_REGION", "cn-hangzhou"),
    "endpoint": env("SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com"),
    "templates": {
        "verification_code": env("SMS_ALIYUN_TEMPLATE_CODE", ""),
        "registration_attempt": env("SMS_ALIYUN_TEMPLATE_REGISTRATION_ATTEMPT", ""),
    },
}

# Question statistics (题目统计) judge a question only once it has this many graded answers.
QUIZ_STATISTICS_MIN_ANSWERS = int(env("QUIZ_STATISTICS_MIN_ANSWERS", "30"))

# Days a unit has to rectify a hazard found by its own inspection, by severity (issue 15 §2);
# a manager may set another deadline on the hazard.
HAZARD_DEADLINE_DAYS = {"ordinary": 7, "major": 3}
# Days before a hazard's deadline that its responsible person is reminded (send_hazard_reminders,
# run daily); a second reminder goes out on the first day it is overdue.
HAZARD_REMINDER_DAYS_BEFORE = int(env("HAZARD_REMINDER_DAYS_BEFORE", "2"))
# Days before an assigned lesson's (针对性培训) due date that its person is reminded
# (send_assignment_reminders, run daily); a second reminder goes out once it is overdue.
ASSIGNMENT_REMINDER_DAYS_BEFORE = int(env("ASSIGNMENT_REMINDER_DAYS_BEFORE", "2"))

# Minutes after a hands-on training session's start from which a check-in counts as late (迟到).
SESSION_LATE_AFTER_MINUTES = int(env("SESSION_LATE_AFTER_MINUTES", "10"))
