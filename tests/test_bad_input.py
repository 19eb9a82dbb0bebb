"""Broken or hostile input gets a 4xx (or the form again) with a message, never a 500, and changes nothing."""

import contextlib

import pytest
from django.db import connection

from reporting.models import Update

from .test_api_base import (
    API,
    PERIOD,
    api_media_root,
    content,
    file_update,
    fresh_cache,
    line,
    period,
    snapshot,
    telsom_api,
    token_client,
    user,
)

FIXTURES = (api_media_root, fresh_cache, period, telsom_api)

pytestmark = pytest.mark.django_db


def browser(client, username):
    client.force_login(user(username))
    client.raise_request_exception = False  # a crash must show as a 500 answer, not as the test's own exception
    return client


# A version that is not a number --------------------------------------------------------------------------------


def test_a_workflow_form_with_a_version_that_is_not_a_number_is_refused_with_a_message(client, period):
    draft = file_update("telsom", "AWPEC-1.1", period)
    before = snapshot(draft)

    url = f"/reporting/updates/{draft.pk}/submit/"
    response = browser(client, "telsom").post(url, {"version": "3abc"}, follow=True)

    assert response.status_code == 200
    assert "version &#x27;3abc&#x27;, which is not a version number" in response.content.decode()
    assert snapshot(draft) == before


def test_a_return_with_a_version_that_is_not_a_number_is_refused_with_a_message(client, period):
    submitted = file_update("telsom", "AWPEC-1.1", period, submit=True)
    before = snapshot(submitted)

    response = browser(client, "accec").post(
        f"/reporting/updates/{submitted.pk}/return/", {"version": "1e3", "comment": "Add dates."}, follow=True
    )

    assert response.status_code == 200
    assert "version &#x27;1e3&#x27;, which is not a version number" in response.content.decode()
    assert snapshot(submitted) == before


def test_the_correction_form_with_a_version_that_is_not_a_number_answers_with_its_message(client):
    initiative = line("AWPEC-16")
    before = (initiative.status, initiative.version)

    response = browser(client, "secretariat").post(
        f"/initiatives/{initiative.code}/status/",
        {"status": "completed", "note": "Per SEOM.", "version": "x"},
        follow=True,
    )

    assert response.status_code == 200
    assert "not corrected" in response.content.decode() and "Enter a whole number." in response.content.decode()
    initiative.refresh_from_db()
    assert (initiative.status, initiative.version) == before


# An output that is not a number -------------------------------------------------------------------------------


def test_a_new_update_link_with_an_output_that_is_not_a_number_is_a_400_with_a_message(client, period):
    response = browser(client, "telsom").get(
        f"/reporting/updates/new/?period={PERIOD}&initiative=AWPEC-1.1&body=TELSOM&output=first"
    )

    assert response.status_code == 400
    assert "Output 'first' is not a number" in response.content.decode()


def test_a_new_update_form_posted_with_an_output_that_is_not_a_number_saves_nothing(client, period):
    count = Update.objects.count()

    response = browser(client, "telsom").post(
        "/reporting/updates/new/",
        {"period": PERIOD, "initiative": "AWPEC-1.1", "body": "TELSOM", "output": "1;", **content()},
    )

    assert response.status_code == 400
    assert Update.objects.count() == count


# JSON nested too deeply ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "path"), [("telsom", "/updates/"), ("telsom", "/updates/bulk/"), ("accec", "/reports/")]
)
def test_json_nested_100000_levels_deep_is_a_400(period, username, path):
    count = Update.objects.count()

    body = "[" * 100_000 + "]" * 100_000
    response = token_client(username).post(f"{API}{path}", body, content_type="application/json")

    assert response.status_code == 400, response.content[:200]
    assert "JSON nested too deeply" in response.json()["detail"]
    assert Update.objects.count() == count


def test_json_nested_a_few_levels_is_still_read(telsom_api):
    response = telsom_api.post(
        f"{API}/updates/",
        {"initiative": line("AWPEC-1.3").pk, "period": PERIOD, **content(), "member_states": {"VN": "completed"}},
        format="json",
    )

    # Read, then refused on its merits: AWPEC-1.3 is not tracked per state (AWPEC-1.1 is, as its 2019 text says).
    assert response.status_code == 400
    assert response.json() == {"member_states": ["AWPEC-1.3 is not tracked per Member State."]}


# The same line filed twice at the same moment -------------------------------------------------------------------


@contextlib.contextmanager
def another_request_files_first(period, code, username, *, after_check):
    """Right after the `after_check`-th look for an existing update, somebody else's update on the line lands.

    This is what two simultaneous requests do on PostgreSQL (see test_concurrency_drills.py): both look, find
    nothing, and both insert. Here it is replayed in one connection, so that it is deterministic.
    """
    checks, done = [], []

    def insert_theirs_after_the_check(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith("SELECT") and 'FROM "reporting_update"' in sql and "LIMIT 1" in sql:
            checks.append(sql)
            if len(checks) == after_check:
                done.append(True)
                file_update(username, code, period)
        return result

    with connection.execute_wrapper(insert_theirs_after_the_check):
        yield
    assert done, f"only {len(checks)} check(s) were made"


# A line's update has no output: one_update_per_line holds for it only where NULLs count as equal (PostgreSQL 15+).
ONE_UPDATE_PER_LINE = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite does not enforce one update per line without an output (nulls_distinct needs PostgreSQL 15+)",
)


@ONE_UPDATE_PER_LINE
def test_a_create_that_loses_the_race_is_a_409_with_a_message(telsom_api, period):
    with another_request_files_first(period, "AWPEC-1.1", "telsom", after_check=1):
        response = telsom_api.post(
            f"{API}/updates/", {"initiative": line("AWPEC-1.1").pk, "period": PERIOD, **content()}, format="json"
        )

    assert response.status_code == 409, response.content[:300]
    assert "TELSOM filed an update on this line for 2026-H2 at the same time" in response.json()["detail"]
    # In this replay theirs is undone with the refused request; test_concurrency_drills.py counts the one row.
    assert Update.objects.filter(period=period, initiative=line("AWPEC-1.1")).count() <= 1


@ONE_UPDATE_PER_LINE
def test_a_bulk_filing_that_loses_the_race_saves_none_of_its_items(telsom_api, period):
    items = [
        {"initiative": line("AWPEC-1.3").pk, **content()},
        {"initiative": line("AWPEC-1.1").pk, **content()},
    ]
    # the filing writes its lines in catalogue order (AWPEC-1.1, then AWPEC-1.3) and looks twice per item (for a
    # draft to revise, then before inserting): the 4th look is the last, on AWPEC-1.3, listed first
    with another_request_files_first(period, "AWPEC-1.3", "telsom", after_check=4):
        response = telsom_api.post(f"{API}/updates/bulk/", {"period": PERIOD, "updates": items}, format="json")

    assert response.status_code == 409, response.content[:300]  # its only refusal is the collision
    assert response.json()["errors"][0]["index"] == 0
    assert "at the same time" in response.json()["errors"][0]["errors"]["non_field_errors"][0]
    assert not Update.objects.filter(period=period, initiative=line("AWPEC-1.1")).exists()


@ONE_UPDATE_PER_LINE
def test_a_browser_create_that_loses_the_race_shows_the_form_with_the_message(client, period):
    browser(client, "telsom")
    # the page looks first (to send an existing update's author to its edit page), then the service
    with another_request_files_first(period, "AWPEC-1.1", "telsom", after_check=2):
        response = client.post(
            "/reporting/updates/new/",
            {"period": PERIOD, "initiative": "AWPEC-1.1", "body": "TELSOM", "status": "in_progress", "progress": "30"},
        )

    assert response.status_code == 409
    assert "at the same time" in response.content.decode()
    assert Update.objects.filter(period=period, initiative=line("AWPEC-1.1")).count() <= 1


def test_a_version_in_superscript_digits_is_refused_in_the_browser(client, period):
    draft = file_update("telsom", "AWPEC-1.1", period)
    before = snapshot(draft)

    response = browser(client, "telsom").post(f"/reporting/updates/{draft.pk}/submit/", {"version": "³"}, follow=True)

    assert response.status_code == 200
    assert "which is not a version number" in response.content.decode()
    assert snapshot(draft) == before


def test_an_if_match_in_superscript_digits_is_a_400_naming_it(telsom_api, period):
    """Malformed, not stale: the schema gives If-Match the ETag's pattern, so it is a 400 (issue 17)."""
    draft = file_update("telsom", "AWPEC-1.1", period)
    before = snapshot(draft)

    response = telsom_api.patch(
        f"{API}/updates/{draft.pk}/", {"progress": 50}, format="json", headers={"If-Match": '"³"'}
    )

    assert response.status_code == 400
    assert "The ETag of the update" in response.json()["If-Match"][0]
    assert snapshot(draft) == before
