import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from django.conf import settings
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "test-deploy-check-9f2c4e7a1b3d5f6081a2c3e4d5f60718293a4b5c6d7e8f",
    "ALLOWED_HOSTS": "firesafety.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://firesafety.example.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # A deployment sends confirmation codes by SMS (accounts.W001 otherwise).
    "SMS_BACKEND": "accounts.sms.backends.aliyun.SmsBackend",
    "SMS_ALIYUN_ACCESS_KEY_ID": "test-key-id",
    "SMS_ALIYUN_ACCESS_KEY_SECRET": "test-key-secret",
    "SMS_ALIYUN_SIGN_NAME": "青浦消防",
    "SMS_ALIYUN_TEMPLATE_CODE": "SMS_000000001",
    "SMS_ALIYUN_TEMPLATE_REGISTRATION_ATTEMPT": "SMS_000000002",
}


def run_manage(*args, env):
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean_env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "REDIS_URL"]
)
def test_production_refuses_to_start_without_its_security_settings(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_deployment_checklist_warns_when_sms_would_only_be_logged():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SMS_BACKEND"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "accounts.W001" in result.stdout + result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_serves_static_files_with_whitenoise_manifest():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])",
        env=PRODUCTION_ENV,
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_tasks_run_immediately_in_tests():
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set: Redis not in use")
def test_redis_url_switches_cache_to_redis_and_sessions_through_it():
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.DisposableRedisCache"
    # Written to the database, read through Redis: a Redis restart signs nobody out.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    cache.set("redis-round-trip", "灭火器", 10)
    assert cache.get("redis-round-trip") == "灭火器"


def production_settings(*names, **env):
    """The named production settings, as JSON, with PRODUCTION_ENV and env."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}, default=str))"
    )
    result = run_manage("shell", "-c", code, env={**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cache_is_disposable_redis_and_sessions_are_in_the_database():
    values = production_settings("CACHES", "SESSION_ENGINE", "DATABASES", DATABASE_CONN_MAX_AGE="0")
    cache_settings = values["CACHES"]["default"]
    assert cache_settings["BACKEND"] == "config.cache.DisposableRedisCache"
    assert cache_settings["LOCATION"] == PRODUCTION_ENV["REDIS_URL"]
    # A hung Redis costs a quarter of a second, not a hung worker.
    assert cache_settings["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    # Without persistent connections there is nothing to check.
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False


def test_persistent_database_connections_are_checked_before_reuse():
    values = production_settings("DATABASES", DATABASE_CONN_MAX_AGE="60")
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="DATABASE_URL does not name PostgreSQL",
)
def test_database_url_switches_to_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
