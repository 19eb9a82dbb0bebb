"""Colliding double submissions on PostgreSQL (issue 16): a line filed by several requests at the same moment gives
one update and a 409 with a message for the others, in the API's bulk filing and in the browser, never a 500."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from reporting.models import Update
from tests.committed import NEEDS_POSTGRES, committed, in_own_connection, race
from tests.helpers import line, user
from tests.test_concurrency_drills import its_own_status, open_period

FIXTURES = (committed,)
PARALLEL = 20
LINES = ("AWPEC-1.1", "AWPEC-1.2", "AWPEC-1.3")

pytestmark = [pytest.mark.django_db, NEEDS_POSTGRES]


def codes(responses):
    errors = [r for r in responses if isinstance(r, BaseException)]
    assert not errors, errors
    return sorted(r.status_code for r in responses)


def filed(code):
    return Update.objects.filter(period__code="2026-H2", initiative=line(code)).count()


def test_parallel_bulk_filings_of_the_same_lines_in_crossing_orders_give_one_update_per_line(committed):
    in_own_connection(open_period)
    items = [{"initiative": line(code).pk, **its_own_status(code)} for code in LINES]

    def bulk(i):
        api = APIClient()
        api.force_authenticate(user("telsom"))
        # Half the requests list the lines in one order, half in the other: crossing inserts must not deadlock.
        ordered = items if i % 2 else list(reversed(items))
        return api.post("/api/v1/updates/bulk/", {"period": "2026-H2", "updates": ordered}, format="json")

    responses = race(PARALLEL, bulk)

    assert all(c < 500 for c in codes(responses)), codes(responses)
    # The first filing files every line (201); a bulk filing that finds them filed since revises the drafts (201 too),
    # and one that collides with another insert is told 409 with the line's message, nothing of it saved.
    assert set(codes(responses)) <= {201, 409}
    for refused in (r for r in responses if r.status_code == 409):
        messages = str(refused.json())
        assert "at the same time" in messages or "already" in messages, messages
    assert [filed(code) for code in LINES] == [1, 1, 1]


def test_parallel_browser_filings_of_one_line_give_one_update_and_a_409_page(committed):
    in_own_connection(open_period)
    form = {"period": "2026-H2", "initiative": "AWPEC-1.1", "body": "TELSOM", **its_own_status("AWPEC-1.1")}

    def post(_):
        browser = Client()
        browser.force_login(user("telsom"))
        return browser.post("/reporting/updates/new/", form)

    responses = race(PARALLEL, post)

    assert all(c < 500 for c in codes(responses)), codes(responses)
    assert codes(responses).count(302) >= 1
    assert set(codes(responses)) <= {302, 409}
    for refused in (r for r in responses if r.status_code == 409):
        # Inserted at the same moment, or looked once the winner had committed: either way the page says so.
        page = refused.content.decode()
        assert "at the same time" in page or "already has an update on this line" in page, page
    assert filed("AWPEC-1.1") == 1
