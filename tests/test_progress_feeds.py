"""Atom feeds of newly accepted progress: all of it, or one programme's, one body's or one Member State's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting import services
from reporting.feeds import FEED_SIZE
from tests.helpers import line, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(secretariat):
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def accepted(period, code, narrative, member_states=None, username="telsom"):
    reporter = user(username)
    update = services.update_create(
        user=reporter,
        period=period,
        initiative=line(code),
        body=reporter.body,
        values={"status": "in_progress", "progress": 40, "narrative": narrative},
        member_states=member_states,
        submit=True,
    )
    return services.update_accept(user=user("accec"), update=update)


def test_the_progress_feed_is_atom_and_links_each_item_to_its_line_and_period(client, period):
    accepted(period, "AWPEC-1.3", "Roaming study accepted.")
    feed = client.get("/feeds/progress/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "Roaming study accepted." in body
    assert "/initiatives/AWPEC-1.3/#2026-H2" in body


def test_a_submitted_update_is_not_in_any_feed(client, period):
    telsom = user("telsom")
    services.update_create(
        user=telsom,
        period=period,
        initiative=line("AWPEC-1.1"),
        body=telsom.body,
        values={"status": "in_progress", "progress": 10, "narrative": "Awaiting review."},
        submit=True,
    )
    for address in ("/feeds/progress/", "/feeds/progress/body/TELSOM/", "/feeds/progress/programme/AWPEC/"):
        assert "Awaiting review." not in client.get(address).content.decode()


def test_the_body_feed_has_only_that_bodys_progress(client, period):
    accepted(period, "AWPEC-1.3", "TELSOM's roaming study.")
    assert "TELSOM's roaming study." in client.get("/feeds/progress/body/TELSOM/").content.decode()
    assert "TELSOM's roaming study." not in client.get("/feeds/progress/body/ACCP/").content.decode()


def test_the_programme_feed_has_only_that_programmes_lines(client, period):
    accepted(period, "AWPEC-1.3", "An AWPEC line moved.")
    assert "An AWPEC line moved." in client.get("/feeds/progress/programme/AWPEC/").content.decode()
    assert client.get("/feeds/progress/programme/NOPE/").status_code == 404


def test_the_member_state_feed_has_progress_reported_for_that_member_state(client, period):
    accepted(period, "DIFAP-1.3.1", "Viet Nam ratified.", member_states={"VN": "completed"}, username="cptfwg")
    assert "Viet Nam ratified." in client.get("/feeds/progress/member-state/VN/").content.decode()
    assert "Viet Nam ratified." not in client.get("/feeds/progress/member-state/LA/").content.decode()
    assert client.get("/feeds/progress/member-state/XX/").status_code == 404


def test_feeds_are_bounded_and_take_a_fixed_number_of_queries(client, period):
    def count(address):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        return len(queries), response.content.decode().count("<entry>")

    addresses = ("/feeds/progress/", "/feeds/progress/body/TELSOM/", "/feeds/progress/programme/AWPEC/")
    accepted(period, "AWPEC-1.3", "One.")
    before = [count(a)[0] for a in addresses]
    for code in ("AWPEC-1.1", "AWPEC-1.2", "AWPEC-11"):
        accepted(period, code, "More.")
    assert [count(a)[0] for a in addresses] == before
    assert count("/feeds/progress/")[1] <= FEED_SIZE
