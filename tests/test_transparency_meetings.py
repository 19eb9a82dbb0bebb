"""Meetings in public: who met whom, where, on what, with the agenda and minutes as register entries."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transparency import services
from transparency.models import Document, Meeting, Organisation

from .transparency import defa, restrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def negotiation():
    return defa()


def record(secretariat, negotiation, subject="Briefing on data flows", **fields):
    minutes = Document.objects.create(negotiation=negotiation, kind="minutes", title=f"Minutes: {subject}")
    values = {
        "held_on": date(2026, 3, 2),
        "held_with": Meeting.With.THIRD_PARTIES,
        "place": "Jakarta",
        "organisations": Organisation.objects.filter(name__in=["EngageMedia", "Third World Network"]),
        "minutes": minutes,
        **fields,
    }
    return services.meeting_record(user=secretariat, negotiation=negotiation, subject=subject, **values)


def test_the_public_list_shows_who_met_and_the_state_of_the_minutes(client, secretariat, negotiation):
    meeting = record(secretariat, negotiation)
    restrict(secretariat, meeting.minutes)
    page = client.get("/negotiations/meetings/").content.decode()
    assert "Briefing on data flows" in page and "EngageMedia (civil society, Regional)" in page
    assert "Minutes</a> (restricted)" in page


def test_the_list_filters_by_kind_of_organisation_and_refuses_unknown_ones(client, secretariat, negotiation):
    record(secretariat, negotiation)
    record(secretariat, negotiation, subject="Industry roundtable", organisations=[])
    page = client.get("/negotiations/meetings/?organisation_kind=civil_society").content.decode()
    assert "Briefing on data flows" in page and "Industry roundtable" not in page
    assert client.get("/negotiations/meetings/?organisation_kind=lobby").status_code == 400
    api = client.get("/api/v1/meetings/?held_with=third_parties&organisation=engage").json()
    assert [m["subject"] for m in api["results"]] == ["Briefing on data flows"]


def test_a_meeting_needs_a_place_or_to_be_online_and_only_the_secretariat_records_it(secretariat, telsom, negotiation):
    with pytest.raises(ValidationError):
        record(secretariat, negotiation, place="")
    assert record(secretariat, negotiation, place="", online=True).where == "Online"
    with pytest.raises(PermissionDenied):
        record(telsom, negotiation)


def test_the_meetings_page_and_api_cost_the_same_queries_however_many_meetings(client, secretariat, negotiation):
    record(secretariat, negotiation)

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = ["/negotiations/meetings/", "/api/v1/meetings/", "/negotiations/stakeholders/", "/api/v1/stakeholders/"]
    before = {url: count(url) for url in urls}
    for number in range(4):
        record(secretariat, negotiation, subject=f"Meeting {number}")
    assert {url: count(url) for url in urls} == before
