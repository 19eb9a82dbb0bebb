"""The API rate limit is one budget per client across every web process: its counts live in Redis when Redis is
configured, and a Redis outage lets requests through rather than refusing them all."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.throttling import ClientRateThrottle
from config.settings import _cache_url_beside_broker

ROOT = Path(__file__).resolve().parent.parent
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"

# What another gunicorn worker does: three API calls as TELSOM, in a process of its own.
OTHER_WORKER = """
from rest_framework.test import APIClient
from accounts.models import User
api = APIClient()
api.force_authenticate(User.objects.get(username="telsom"))
print(" ".join(str(api.get("/api/v1/periods/").status_code) for _ in range(3)))
"""


def test_without_cache_url_the_cache_sits_beside_a_redis_broker_in_another_database():
    assert _cache_url_beside_broker("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/1"
    assert _cache_url_beside_broker("redis://:secret@redis:6379/14") == "redis://:secret@redis:6379/15"
    assert _cache_url_beside_broker("redis://redis:6379/15") == "redis://redis:6379/0"
    assert _cache_url_beside_broker("redis://redis:6379") == "redis://redis:6379/1"
    assert _cache_url_beside_broker("") == "locmemcache://"  # no broker: tasks run in-process, one process


def test_docker_compose_gives_web_and_worker_the_shared_cache():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in ("web", "worker"):
        environment = compose["services"][service]["environment"]
        assert environment["CACHE_URL"].startswith("redis://redis:6379/")
        assert environment["CACHE_URL"] != environment["CELERY_BROKER_URL"]


REDIS_CONFIGURED = os.environ.get("CACHE_URL", "").startswith("redis") or os.environ.get(
    "CELERY_BROKER_URL", ""
).startswith("redis")


@pytest.mark.skipif(not REDIS_CONFIGURED, reason="no Redis configured (set CELERY_BROKER_URL=redis://... or CACHE_URL)")
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the second process must read the test database: needs PostgreSQL (DATABASE_URL)",
)
def test_calls_counted_by_one_process_count_in_another(telsom, monkeypatch):
    key = f"throttle_client_user-{telsom.pk}"
    cache.delete(key)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "SECRET_KEY": "rate-limit-test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "API_RATE_LIMIT": "3/hour",
    }
    other = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", OTHER_WORKER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert other.stdout.split() == ["200", "200", "200"], other.stderr

    # This process has made no call yet, but the budget is the same one.
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/hour"})
    api = APIClient()
    api.force_authenticate(telsom)
    try:
        response = api.get("/api/v1/periods/")
        assert response.status_code == 429
        assert "throttled" in response.json()["detail"].lower()
    finally:
        cache.delete(key)


def test_a_redis_outage_lets_api_calls_through(telsom, settings):
    with socket.socket() as probe:  # a port nothing listens on: Redis is down
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {"default": {"BACKEND": REDIS_CACHE, "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    api = APIClient()
    api.force_authenticate(telsom)
    response = api.get("/api/v1/periods/")
    assert response.status_code == 200
