"""Closing a period says what is still missing and asks for confirmation; a closed period can be reopened, with a
reason that is logged, until it is marked reviewed."""

import pytest
from django.core.exceptions import ValidationError

from reporting import services
from reporting.models import Period, PeriodEvent
from tests.helpers import browser_as, line, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    secretariat = user("secretariat")
    period = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))
    services.update_create(
        user=user("telsom"),
        period=period,
        initiative=line("AWPEC-1.1"),
        body=user("telsom").body,
        values={"status": "in_progress", "progress": 30, "narrative": "Under way."},
        submit=True,
    )
    return period


def test_the_close_form_says_what_is_missing_and_closing_needs_the_confirmation(period):
    missing, awaiting, drafts = services.period_outstanding(period)
    assert (awaiting, drafts) == (1, 0)
    assert missing == period.expected_reports.count() - 1  # TELSOM's AWPEC-1.1 is received

    page = browser_as("secretariat").get(period.get_absolute_url()).content.decode()
    assert f"<strong>{missing}</strong> expected reports not received" in page
    assert "<strong>1</strong> update awaiting review" in page

    refused = browser_as("secretariat").post(f"/reporting/periods/{period.code}/close/", follow=True).content.decode()
    assert f"Confirm that {period} should close: {missing} expected report(s) not received, 1 awaiting" in refused
    assert Period.objects.get(pk=period.pk).state == Period.State.OPEN

    browser_as("secretariat").post(f"/reporting/periods/{period.code}/close/", {"confirm": "yes"})
    assert Period.objects.get(pk=period.pk).state == Period.State.CLOSED
    assert [e.action for e in PeriodEvent.objects.filter(period=period)] == ["opened", "closed"]


def test_a_closed_period_is_reopened_with_a_logged_reason_until_it_is_reviewed(period):
    services.period_close(user=user("secretariat"), period=period)
    with pytest.raises(ValidationError, match="Say why the period is reopened"):
        services.period_reopen(user=user("secretariat"), period=period, reason="  ")

    browser_as("secretariat").post(
        f"/reporting/periods/{period.code}/reopen/", {"reason": "ATRC asked for two more weeks."}
    )
    period.refresh_from_db()
    assert (period.state, period.closed_at) == (Period.State.OPEN, None)
    event = PeriodEvent.objects.get(period=period, action="reopened")
    assert (event.by.username, event.reason) == ("secretariat", "ATRC asked for two more weeks.")
    assert "ATRC asked for two more weeks." in browser_as("secretariat").get(period.get_absolute_url()).content.decode()

    # Reviewed is final.
    services.period_close(user=user("secretariat"), period=period)
    update = period.updates.get()
    services.update_accept(user=user("accec"), update=update)
    services.period_mark_reviewed(user=user("secretariat"), period=period)
    with pytest.raises(ValidationError, match="only a closed period, not yet reviewed"):
        services.period_reopen(user=user("secretariat"), period=period, reason="One more thing.")


def test_only_the_secretariat_reopens(period):
    from django.core.exceptions import PermissionDenied

    services.period_close(user=user("secretariat"), period=period)
    with pytest.raises(PermissionDenied):
        services.period_reopen(user=user("accec"), period=period, reason="Please.")
    assert Period.objects.get(pk=period.pk).state == Period.State.CLOSED
