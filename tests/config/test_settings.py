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
def test_redis_url_switches_cache_and_sessions_to_redis():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    cache.set("redis-round-trip", "灭火器", 10)
    assert cache.get("redis-round-trip") == "灭火器"


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="DATABASE_URL does not name PostgreSQL",
)
def test_database_url_switches_to_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
