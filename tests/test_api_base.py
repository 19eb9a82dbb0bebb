"""Shared fixtures and helpers for the reporting API tests (imported by the other tests/test_api_*.py modules)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens import token_issue
from reporting import services
from reporting.models import Update
from workprogramme.models import Initiative

PERIOD = "2026-H2"
API = "/api/v1"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters live in the cache: every test starts with a clean budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def api_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def period(secretariat):
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def user(username):
    return User.objects.get(username=username)


def line(code):
    return Initiative.objects.get(code=code)


def token_client(username):
    """An APIClient that authenticates with a real knox token issued for `username`."""
    _, key = token_issue(user=user(username))
    return key_client(key)


def key_client(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def content(**extra):
    return {"status": "in_progress", "progress": 40, "narrative": "Consultations held with all ten AMS.", **extra}


def file_update(username, code, period, *, submit=False, body=None, **values):
    """An update filed through the services (not the API), for tests that need one to exist."""
    who = user(username)
    return services.update_create(
        user=who,
        period=period,
        initiative=line(code),
        body=body or who.body,
        values=content(**values),
        submit=submit,
    )


def snapshot(update):
    """What must not change after a refused request."""
    fresh = Update.objects.get(pk=update.pk)
    return (fresh.state, fresh.version, fresh.status, fresh.progress, fresh.narrative, fresh.evidence.count())


@pytest.fixture
def telsom_api(period):
    return token_client("telsom")


@pytest.fixture
def accp_api(period):
    return token_client("accp")


@pytest.fixture
def reviewer_api(period):
    return token_client("accec")


@pytest.fixture
def secretariat_api(period):
    return token_client("secretariat")


@pytest.fixture
def telsom_draft(period):
    return file_update("telsom", "AWPEC-1.1", period)


@pytest.fixture
def accp_draft(period):
    return file_update("accp", "AWPEC-8.1", period)


@pytest.fixture
def accp_submitted(period):
    return file_update("accp", "AWPEC-8.2", period, submit=True)
