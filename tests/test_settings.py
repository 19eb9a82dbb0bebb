"""Settings start easily and fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import environ

from config.storage import stored_files

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    clean.update(ENV_FILE="/dev/null", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_secret_key_is_required_when_debug_is_off():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_on_starts_with_nothing_else_set():
    result = run_manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_passes_with_the_documented_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="tracker.example.org",
        CSRF_TRUSTED_ORIGINS="https://tracker.example.org",
        DATABASE_URL="postgres://tracker@db:5432/tracker",
        CELERY_BROKER_URL="redis://redis:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_database_url_switches_to_postgresql_and_broker_url_turns_eager_off():
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/whatever",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"], result.stderr
    result = run_manage("shell", "-v", "0", "-c", code, DEBUG="1")
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"], result.stderr


def test_stored_files_stay_on_local_disk_unless_a_bucket_is_named(monkeypatch):
    monkeypatch.delenv("OBJECT_STORAGE_BUCKET", raising=False)
    assert stored_files(environ.Env()) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_moves_stored_files_to_s3_compatible_storage(monkeypatch):
    monkeypatch.setenv("OBJECT_STORAGE_BUCKET", "tracker-files")
    monkeypatch.setenv("OBJECT_STORAGE_ENDPOINT_URL", "http://objects.internal:8333")
    monkeypatch.setenv("OBJECT_STORAGE_ACCESS_KEY", "key")
    monkeypatch.setenv("OBJECT_STORAGE_SECRET_KEY", "secret")

    storage = stored_files(environ.Env())

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == ("tracker-files", "http://objects.internal:8333")
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")
    assert options["addressing_style"] == "path"  # one address for every bucket, as SeaweedFS and MinIO answer
    assert options["default_acl"] is None and options["file_overwrite"] is False  # private; never replaced


def test_on_amazon_s3_itself_credentials_may_come_from_the_machine(monkeypatch):
    for name in ("OBJECT_STORAGE_ENDPOINT_URL", "OBJECT_STORAGE_ACCESS_KEY", "OBJECT_STORAGE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OBJECT_STORAGE_BUCKET", "tracker-files")

    options = stored_files(environ.Env())["OPTIONS"]

    assert options["endpoint_url"] is None and options["access_key"] is None and options["secret_key"] is None
    assert options["addressing_style"] == "auto"
