"""API tokens: issued by command and from the profile page, stored hashed, expiring, revocable; 401s and 429s."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.throttling import ClientRateThrottle
from reporting.models import Update

from .test_api_base import (
    API,
    PERIOD,
    api_media_root,
    fresh_cache,
    key_client,
    line,
    period,
    token_client,
    user,
)

# pytest finds these fixtures by name in this module.
FIXTURES = (api_media_root, fresh_cache, period)

pytestmark = pytest.mark.django_db


def issue(username, *args):
    out = io.StringIO()
    call_command("issue_token", username, *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_issue_token_prints_the_key_last_and_stores_only_its_hash(period):
    lines = issue("telsom", "--expires-days", "5")
    key = lines[-1]
    assert "telsom" in lines[0] and "expires" in lines[0]
    record = AuthToken.objects.get(user=user("telsom"))
    assert record.token_key == key[: len(record.token_key)]
    assert key not in record.digest  # the key itself is not stored
    assert timedelta(days=4, hours=23) < record.expiry - timezone.now() <= timedelta(days=5)
    response = key_client(key).get(f"{API}/periods/")
    assert response.status_code == 200
    assert PERIOD in [p["code"] for p in response.json()["results"]]


def test_issue_token_without_expiry_does_not_expire(db):
    key = issue("accp")[-1]
    assert AuthToken.objects.get(user=user("accp")).expiry is None
    assert key_client(key).get(f"{API}/periods/").status_code == 200


def test_issue_token_refuses_unknown_user_and_bad_expiry(db):
    with pytest.raises(CommandError):
        issue("nobody-at-all")
    with pytest.raises(CommandError):
        issue("telsom", "--expires-days", "0")
    assert not AuthToken.objects.filter(user=user("telsom")).exists()


def test_no_token_is_401_with_detail(db):
    response = APIClient().get(f"{API}/updates/")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Token")


def test_wrong_token_is_401_with_detail(db):
    response = key_client("0123456789abcdef" * 4).get(f"{API}/updates/")
    assert response.status_code == 401
    assert "invalid" in response.json()["detail"].lower()


def test_unauthenticated_write_is_401_and_saves_nothing(period):
    before = Update.objects.count()
    response = APIClient().post(
        f"{API}/updates/",
        {"initiative": line("AWPEC-1.1").pk, "period": PERIOD, "status": "in_progress", "progress": 10},
        format="json",
    )
    assert response.status_code == 401
    assert response.json()["detail"]
    assert Update.objects.count() == before


def test_expired_token_is_refused(period):
    key = issue("telsom", "--expires-days", "5")[-1]
    api = key_client(key)
    assert api.get(f"{API}/updates/").status_code == 200
    AuthToken.objects.filter(user=user("telsom")).update(expiry=timezone.now() - timedelta(minutes=1))
    response = api.get(f"{API}/updates/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_profile_creates_and_revokes_a_token(client, period):
    client.force_login(user("telsom"))
    response = client.post("/accounts/tokens/", {"expires_days": "30"})
    assert response.status_code == 302
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    key = page.context["new_token"]
    assert key
    record = AuthToken.objects.get(user=user("telsom"))
    assert record.expiry is not None
    assert record.token_key in page.content.decode() or key[:8] in page.content.decode()
    # shown once only
    assert client.get("/accounts/profile/").context["new_token"] is None

    api = key_client(key)
    assert api.get(f"{API}/updates/").status_code == 200

    response = client.post(f"/accounts/tokens/{record.token_key}/revoke/")
    assert response.status_code == 302
    assert not AuthToken.objects.filter(pk=record.pk).exists()
    refused = api.get(f"{API}/updates/")
    assert refused.status_code == 401
    assert refused.json()["detail"]


def test_profile_refuses_a_bad_expiry(client, db):
    client.force_login(user("telsom"))
    client.post("/accounts/tokens/", {"expires_days": "lots"})
    client.post("/accounts/tokens/", {"expires_days": "99999"})
    assert not AuthToken.objects.filter(user=user("telsom")).exists()


def test_cannot_revoke_someone_elses_token(client, period):
    key = issue("telsom")[-1]
    record = AuthToken.objects.get(user=user("telsom"))
    client.force_login(user("accp"))
    response = client.post(f"/accounts/tokens/{record.token_key}/revoke/")
    assert response.status_code == 403
    assert AuthToken.objects.filter(pk=record.pk).exists()
    assert key_client(key).get(f"{API}/updates/").status_code == 200


def test_revoke_needs_post(client, period):
    issue("telsom")
    record = AuthToken.objects.get(user=user("telsom"))
    client.force_login(user("telsom"))
    assert client.get(f"/accounts/tokens/{record.token_key}/revoke/").status_code == 405
    assert AuthToken.objects.filter(pk=record.pk).exists()


@pytest.fixture
def low_rate(monkeypatch):
    # SimpleRateThrottle reads DEFAULT_THROTTLE_RATES once, at import: patch the class's copy.
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/minute"})


def test_throttled_per_token_with_429_and_detail(period, low_rate):
    api = token_client("telsom")
    for _ in range(3):
        assert api.get(f"{API}/periods/").status_code == 200
    response = api.get(f"{API}/periods/")
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"].lower()
    assert int(response["Retry-After"]) > 0
    # writes count against the same budget and are refused too
    before = Update.objects.count()
    response = api.post(
        f"{API}/updates/",
        {"initiative": line("AWPEC-1.1").pk, "period": PERIOD, "status": "in_progress", "progress": 10},
        format="json",
    )
    assert response.status_code == 429
    assert Update.objects.count() == before
    # another client system of the same body has its own budget
    assert token_client("telsom").get(f"{API}/periods/").status_code == 200


def test_default_rate_is_configured():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["client"]
    assert "accounts.throttling.ClientRateThrottle" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
