"""Brute-force protection: five wrong passwords lock an account from that address, in the browser, the admin and
the API alike, until the cool-off passes or an administrator unlocks it."""

import base64

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
ATTACKER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"
LOCKED = "Too many failed logins for this account from your address"


def browser_login(username, password, *, address=ATTACKER, path="/accounts/login/"):
    return Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password})


def admin_login(username, password, *, address=ATTACKER):
    return browser_login(username, password, address=address, path="/admin/login/?next=/admin/")


def api_call(username, password, *, address=ATTACKER):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client(REMOTE_ADDR=address).get("/api/v1/periods/", HTTP_AUTHORIZATION=f"Basic {token}")


def guess(login, username, times=LIMIT):
    for attempt in range(times):
        login(username, f"guess-{attempt}")


def test_the_browser_login_locks_after_repeated_wrong_passwords(telsom):
    guess(browser_login, "telsom")
    response = browser_login("telsom", DEMO_PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "ask an administrator to unlock it" in response.content.decode()
    assert "_auth_user_id" not in response.client.session  # the right password did not log in


def test_a_wrong_password_below_the_limit_still_lets_the_right_one_in(telsom):
    guess(browser_login, "telsom", times=LIMIT - 1)
    response = browser_login("telsom", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(telsom.pk)


def test_the_admin_login_locks_after_repeated_wrong_passwords(secretariat):
    guess(admin_login, "secretariat")
    response = admin_login("secretariat", DEMO_PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_http_basic_on_the_api_locks_with_a_json_message(telsom):
    assert api_call("telsom", DEMO_PASSWORD).status_code == 200
    guess(api_call, "telsom")
    response = api_call("telsom", DEMO_PASSWORD)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert LOCKED in response.json()["detail"]
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_failures_count_across_the_browser_the_admin_and_the_api(secretariat):
    guess(browser_login, "secretariat", times=2)
    guess(admin_login, "secretariat", times=2)
    guess(api_call, "secretariat", times=LIMIT - 4)
    assert api_call("secretariat", DEMO_PASSWORD).status_code == 403
    assert browser_login("secretariat", DEMO_PASSWORD).status_code == 429


def test_another_account_from_the_same_address_is_not_locked(telsom):
    guess(browser_login, "telsom")
    response = browser_login("accp", DEMO_PASSWORD)
    assert response.status_code == 302


def test_the_same_account_from_another_address_is_not_locked(telsom):
    # A stranger's guesses must not lock TELSOM's reporter out of their own office.
    guess(api_call, "telsom")
    assert api_call("telsom", DEMO_PASSWORD, address=COLLEAGUE).status_code == 200


def test_an_administrator_unlocks_the_account_by_username(telsom):
    guess(browser_login, "telsom")
    guess(api_call, "telsom")
    assert browser_login("telsom", DEMO_PASSWORD).status_code == 429
    call_command("axes_reset_username", "telsom")
    assert browser_login("telsom", DEMO_PASSWORD).status_code == 302
    assert api_call("telsom", DEMO_PASSWORD).status_code == 200


def test_an_administrator_unlocks_an_address(telsom):
    guess(api_call, "telsom")
    call_command("axes_reset_ip", ATTACKER)
    assert api_call("telsom", DEMO_PASSWORD).status_code == 200
