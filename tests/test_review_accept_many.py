"""A reviewer accepts several updates from the review queue at once: each checked as on its own, all or none."""

import pytest
from django.test import Client

from reporting import services
from reporting.models import Update
from tests.helpers import line, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    """Two TELSOM updates awaiting review, on two of the lines it owes."""
    secretariat = user("secretariat")
    period = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))
    owed = period.expected_reports.filter(body__acronym="TELSOM", output=None).select_related("initiative")[:2]
    return [
        services.update_create(
            user=user("telsom"),
            period=period,
            initiative=expected.initiative,
            body=user("telsom").body,
            values={
                "status": "in_progress",
                "progress": 30 + i,
                "narrative": f"Progress on {expected.initiative.code}.",
            },
            submit=True,
        )
        for i, expected in enumerate(owed)
    ]


def states(updates):
    return [Update.objects.get(pk=u.pk).state for u in updates]


def test_the_reviewer_accepts_the_ticked_updates_in_one_go(submitted):
    accepted = services.accept_many(user=user("accec"), chosen=[(u.pk, u.version) for u in submitted])
    assert len(accepted) == 2
    assert states(submitted) == ["accepted", "accepted"]
    assert {line(u.initiative.code).status for u in submitted} == {"in_progress"}


def test_one_refusal_accepts_nothing_and_says_which_and_why(submitted):
    first, second = submitted
    with pytest.raises(services.AcceptanceRefused) as refused:
        services.accept_many(user=user("accec"), chosen=[(first.pk, first.version), (second.pk, second.version - 1)])
    assert states(submitted) == ["submitted", "submitted"]
    [(update, message)] = refused.value.refusals
    assert update.pk == second.pk and "Your change was not saved" in message


def test_in_the_browser_every_refusal_is_listed_and_nothing_is_accepted(submitted):
    first, second = submitted
    reviewer = Client()
    reviewer.force_login(user("accec"))
    queue = reviewer.get("/reporting/").content.decode()
    assert f'value="{first.pk}:{first.version}"' in queue

    page = reviewer.post(
        "/reporting/updates/accept/",
        {"update": [f"{first.pk}:{first.version}", f"{second.pk}:{second.version + 5}"]},
        follow=True,
    ).content.decode()
    assert "Nothing was accepted: 1 of 2 could not be." in page
    assert states(submitted) == ["submitted", "submitted"]

    page = reviewer.post(
        "/reporting/updates/accept/", {"update": [f"{u.pk}:{u.version}" for u in submitted]}, follow=True
    ).content.decode()
    assert "2 update(s) accepted." in page
    assert states(submitted) == ["accepted", "accepted"]


def test_a_reporter_accepts_nothing_in_bulk_either(submitted):
    telsom = Client()
    telsom.force_login(user("telsom"))
    page = telsom.post(
        "/reporting/updates/accept/", {"update": [f"{u.pk}:{u.version}" for u in submitted]}, follow=True
    ).content.decode()
    assert "Only ACCEC reviewers can accept or return updates." in page
    assert states(submitted) == ["submitted", "submitted"]


def test_a_malformed_choice_is_a_400(submitted):
    reviewer = Client()
    reviewer.force_login(user("accec"))
    response = reviewer.post("/reporting/updates/accept/", {"update": ["12;DROP"]})
    assert response.status_code == 400
    assert states(submitted) == ["submitted", "submitted"]
