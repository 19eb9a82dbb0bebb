"""Reporting periods: created upcoming, opened one at a time with the reports owed, closed, reviewed; late flags."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from reporting.models import ExpectedReport, Period, Update
from reporting.services import (
    period_close,
    period_create,
    period_mark_reviewed,
    period_open,
    update_accept,
    update_create,
    update_edit,
    update_return,
    update_submit,
)
from tests.helpers import line
from workprogramme.models import CLOSED_STATUSES, Initiative, Output, Responsibility

pytestmark = pytest.mark.django_db

VALUES = {"status": "in_progress", "progress": 30, "narrative": "Consultations with the Member States held."}


def state_of(period):
    return Period.objects.get(pk=period.pk).state


def opened(secretariat, year, half, deadline=None):
    return period_open(
        user=secretariat, period=period_create(user=secretariat, year=year, half=half, deadline=deadline)
    )


def closed(secretariat, year, half, deadline=None):
    return period_close(user=secretariat, period=opened(secretariat, year, half, deadline))


def owed(period):
    """The expected-report list as (code, output position, body, carried over)."""
    return {
        (e.initiative.code, e.output.position if e.output_id else None, e.body.acronym, e.carried_over)
        for e in ExpectedReport.objects.filter(period=period).select_related("initiative", "output", "body")
    }


# Creating --------------------------------------------------------------------------------------------------------


def test_a_new_period_is_upcoming_with_a_deadline_a_month_after_it_ends(secretariat):
    period = period_create(user=secretariat, year=2026, half=2)

    period = Period.objects.get(pk=period.pk)
    assert period.code == "2026-H2"
    assert period.state == Period.State.UPCOMING
    assert (period.starts_on, period.ends_on) == (date(2026, 7, 1), date(2026, 12, 31))
    assert period.deadline == date(2027, 1, 31)
    assert period.opened_at is None
    assert not period.takes_filings
    assert not ExpectedReport.objects.filter(period=period).exists()
    assert period.history.first().history_user == secretariat


def test_a_first_half_runs_january_to_june(secretariat):
    period = period_create(user=secretariat, year=2027, half=1, deadline=date(2027, 7, 15))

    assert (period.code, period.starts_on, period.ends_on, period.deadline) == (
        "2027-H1",
        date(2027, 1, 1),
        date(2027, 6, 30),
        date(2027, 7, 15),
    )


def test_a_period_exists_once(secretariat):
    period_create(user=secretariat, year=2026, half=2)

    with pytest.raises(ValidationError, match="Period 2026-H2 already exists."):
        period_create(user=secretariat, year=2026, half=2, deadline=date(2027, 3, 1))

    assert Period.objects.filter(year=2026, half=2).count() == 1
    assert Period.objects.get(year=2026, half=2).deadline == date(2027, 1, 31)


def test_the_deadline_cannot_fall_before_the_period_starts(secretariat):
    with pytest.raises(ValidationError, match="The deadline cannot fall before the period starts."):
        period_create(user=secretariat, year=2026, half=2, deadline=date(2026, 6, 30))

    assert not Period.objects.filter(year=2026, half=2).exists()


@pytest.mark.parametrize("half", [0, 3])
def test_a_period_is_either_the_first_or_the_second_half(secretariat, half):
    with pytest.raises(ValidationError):
        period_create(user=secretariat, year=2026, half=half)

    assert not Period.objects.filter(year=2026, half=half).exists()


# Opening, closing, reviewing ---------------------------------------------------------------------------------------


def test_opening_an_upcoming_period_takes_filings(secretariat):
    period = opened(secretariat, 2026, 2)

    period = Period.objects.get(pk=period.pk)
    assert period.state == Period.State.OPEN
    assert period.opened_at is not None
    assert period.takes_filings


def test_only_an_upcoming_period_can_be_opened(secretariat):
    period = opened(secretariat, 2026, 2)
    count = ExpectedReport.objects.filter(period=period).count()

    with pytest.raises(ValidationError, match="2026-H2 is open: only an upcoming period can be opened."):
        period_open(user=secretariat, period=period)

    period_close(user=secretariat, period=period)
    with pytest.raises(ValidationError, match=r"2026-H2 is closed \(late filing allowed\): only an upcoming period"):
        period_open(user=secretariat, period=period)

    assert state_of(period) == Period.State.CLOSED
    assert ExpectedReport.objects.filter(period=period).count() == count


def test_a_reviewed_period_cannot_be_reopened(secretariat):
    period = closed(secretariat, 2026, 2)
    period_mark_reviewed(user=secretariat, period=period)

    with pytest.raises(ValidationError, match="2026-H2 is reviewed: only an upcoming period can be opened."):
        period_open(user=secretariat, period=period)

    assert state_of(period) == Period.State.REVIEWED


def test_only_one_period_is_open_at_a_time(secretariat):
    first = opened(secretariat, 2026, 1)
    second = period_create(user=secretariat, year=2026, half=2)

    with pytest.raises(ValidationError, match="Another period is open: close it before opening this one."):
        period_open(user=secretariat, period=second)

    assert state_of(second) == Period.State.UPCOMING
    assert not ExpectedReport.objects.filter(period=second).exists()

    period_close(user=secretariat, period=first)
    period_open(user=secretariat, period=second)
    assert (state_of(first), state_of(second)) == (Period.State.CLOSED, Period.State.OPEN)


def test_closing_an_open_period(secretariat):
    period = period_close(user=secretariat, period=opened(secretariat, 2026, 2))

    period = Period.objects.get(pk=period.pk)
    assert period.state == Period.State.CLOSED
    assert period.closed_at is not None
    assert period.takes_filings  # late filing is still allowed


def test_only_an_open_period_can_be_closed(secretariat):
    upcoming = period_create(user=secretariat, year=2026, half=2)

    with pytest.raises(ValidationError, match="2026-H2 is not open."):
        period_close(user=secretariat, period=upcoming)
    assert state_of(upcoming) == Period.State.UPCOMING

    period_close(user=secretariat, period=period_open(user=secretariat, period=upcoming))
    with pytest.raises(ValidationError, match="2026-H2 is not open."):
        period_close(user=secretariat, period=upcoming)
    assert state_of(upcoming) == Period.State.CLOSED


@pytest.mark.parametrize("state", ["upcoming", "open"])
def test_only_a_closed_period_can_be_marked_reviewed(secretariat, state):
    period = period_create(user=secretariat, year=2026, half=2)
    if state == "open":
        period = period_open(user=secretariat, period=period)

    with pytest.raises(ValidationError, match="2026-H2 must be closed before it is marked reviewed."):
        period_mark_reviewed(user=secretariat, period=period)

    assert state_of(period) == state


def test_a_period_is_not_marked_reviewed_while_updates_await_review(secretariat, telsom, reviewer):
    period = opened(secretariat, 2026, 2)
    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES, submit=True
    )
    period_close(user=secretariat, period=period)

    with pytest.raises(ValidationError, match="2026-H2 still has updates awaiting review."):
        period_mark_reviewed(user=secretariat, period=period)
    assert state_of(period) == Period.State.CLOSED

    update_accept(user=reviewer, update=update, version=update.version)
    period_mark_reviewed(user=secretariat, period=period)
    assert state_of(period) == Period.State.REVIEWED


def test_a_returned_update_does_not_hold_up_the_review(secretariat, telsom, reviewer):
    period = opened(secretariat, 2026, 2)
    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES, submit=True
    )
    period_close(user=secretariat, period=period)
    update_return(user=reviewer, update=update, comment="Add dates.", version=update.version)

    period_mark_reviewed(user=secretariat, period=period)

    assert state_of(period) == Period.State.REVIEWED


# Which periods take filings ------------------------------------------------------------------------------------------


def test_an_upcoming_period_takes_no_filings(secretariat, telsom):
    period = period_create(user=secretariat, year=2026, half=2)

    with pytest.raises(ValidationError) as refused:
        update_create(user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES)

    assert refused.value.message_dict == {"period": ["2026-H2 is upcoming: it takes no filings."]}
    assert not Update.objects.filter(period=period).exists()


def test_a_reviewed_period_takes_no_filings(secretariat, telsom):
    period = closed(secretariat, 2026, 1)
    draft = update_create(user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES)
    period = period_mark_reviewed(user=secretariat, period=period)
    message = "2026-H1 is reviewed: it takes no filings."

    with pytest.raises(ValidationError, match=message):
        update_create(user=telsom, period=period, initiative=line("AWPEC-1.3"), body=telsom.body, values=VALUES)
    with pytest.raises(ValidationError, match=message):
        update_edit(user=telsom, update=draft, values={"progress": 35}, version=draft.version)
    with pytest.raises(ValidationError, match=message):
        update_submit(user=telsom, update=draft, version=draft.version)

    assert list(Update.objects.filter(period=period)) == [draft]
    draft = Update.objects.get(pk=draft.pk)
    assert (draft.state, draft.progress, draft.version) == ("draft", 30, 1)


def test_a_closed_period_still_takes_filings(secretariat, telsom):
    period = closed(secretariat, 2026, 2)

    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES, submit=True
    )

    assert Update.objects.get(pk=update.pk).state == Update.State.SUBMITTED


# Late filing -------------------------------------------------------------------------------------------------------


def test_an_update_submitted_after_the_deadline_is_flagged_late(secretariat, telsom):
    period = closed(secretariat, 2026, 1)  # deadline 31 Jul 2026, passed
    assert period.deadline < date.today()

    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES, submit=True
    )

    assert Update.objects.get(pk=update.pk).late is True
    entry = ExpectedReport.objects.with_receipt().get(pk=update.expected_id)
    assert (entry.received, entry.received_late) == (True, True)
    telsom_row = next(
        row for row in ExpectedReport.objects.filter(period=period).matrix() if row["body__acronym"] == "TELSOM"
    )
    assert (telsom_row["late"], telsom_row["on_time"]) == (1, 0)


def test_an_update_submitted_before_the_deadline_is_on_time(secretariat, telsom):
    period = opened(secretariat, 2026, 2)  # deadline 31 Jan 2027
    assert period.deadline > date.today()

    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES, submit=True
    )

    assert Update.objects.get(pk=update.pk).late is False
    telsom_row = next(
        row for row in ExpectedReport.objects.filter(period=period).matrix() if row["body__acronym"] == "TELSOM"
    )
    assert (telsom_row["on_time"], telsom_row["late"], telsom_row["missing"]) == (1, 0, telsom_row["expected"] - 1)


def test_a_draft_is_not_late_until_it_is_submitted(secretariat, telsom):
    period = closed(secretariat, 2026, 1)

    draft = update_create(user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES)

    assert Update.objects.get(pk=draft.pk).late is False
    assert ExpectedReport.objects.missing().filter(pk=draft.expected_id).exists()


def test_an_update_submitted_on_the_deadline_day_is_on_time(secretariat, telsom):
    today = timezone.localdate()  # the Secretariat's clock
    year, half = Period.containing(today)
    period = opened(secretariat, year, half, deadline=today)

    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES, submit=True
    )

    assert Update.objects.get(pk=update.pk).late is False


def test_an_update_submitted_the_day_after_the_deadline_is_late(secretariat, telsom):
    yesterday = timezone.localdate() - timedelta(days=1)
    year, half = Period.containing(yesterday)
    period = opened(secretariat, year, half, deadline=yesterday)

    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES, submit=True
    )

    assert Update.objects.get(pk=update.pk).late is True


def test_an_open_period_past_its_deadline_flags_late_too(secretariat, telsom):
    period = opened(secretariat, 2026, 2, deadline=date(2026, 7, 15))

    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=VALUES, submit=True
    )

    assert Update.objects.get(pk=update.pk).late is True


# The reports each body owes --------------------------------------------------------------------------------------


def test_opening_lists_one_report_per_active_line_and_lead_body(secretariat):
    period = opened(secretariat, 2026, 2)
    active_led = {
        (r.initiative.code, r.body.acronym)
        for r in Responsibility.objects.filter(role="lead")
        .exclude(initiative__status__in=CLOSED_STATUSES)
        .select_related("initiative", "body")
    }

    whole_lines = {(code, body) for code, output, body, _ in owed(period) if output is None}

    assert whole_lines == active_led
    assert ("AWPEC-1.1", None, "TELSOM", True) in owed(period)
    assert ("AWPEC-8.1", None, "ACCP", True) in owed(period)
    assert ("DIFAP-1.3.1", None, "CPTFWG", True) in owed(period)
    assert ExpectedReport.objects.filter(period=period).count() == len(active_led) + 1  # + the SLC's CRISP output


def test_only_the_lead_owes_the_whole_line_not_joint_or_consulted_bodies(secretariat):
    period = opened(secretariat, 2026, 2)

    assert {(c, b) for c, o, b, _ in owed(period) if c == "AWPEC-14.1"} == {("AWPEC-14.1", "ACCEC")}
    assert {(c, b) for c, o, b, _ in owed(period) if c == "DIFAP-1.3.1"} == {("DIFAP-1.3.1", "CPTFWG")}


def test_an_output_held_by_another_body_than_the_lead_is_owed_by_that_body(secretariat):
    period = opened(secretariat, 2026, 2)

    assert {(o, b) for c, o, b, _ in owed(period) if c == "AWPEC-13"} == {(None, "TELSOM"), (2, "SLC")}
    [slc_entry] = ExpectedReport.objects.filter(period=period, body__acronym="SLC")
    assert (slc_entry.initiative.code, slc_entry.output.position) == ("AWPEC-13", 2)


def test_completed_lines_and_lines_without_a_body_are_not_owed(secretariat):
    period = opened(secretariat, 2026, 2)
    codes = {code for code, *_ in owed(period)}

    completed = set(Initiative.objects.filter(status="completed").values_list("code", flat=True))
    assert completed  # AWPEC-1.2, AWPEC-4, ...
    assert not codes & completed
    assert not codes & {"AWPEC-3.1", "DIFAP-1.7", "DIFAP-1.8"}  # all relevant bodies / none given / TBC


def test_a_line_completed_or_discontinued_before_the_period_opens_is_not_owed(secretariat):
    for code, status in [("AWPEC-1.1", "completed"), ("AWPEC-8.1", "discontinued")]:
        Initiative.objects.filter(code=code).update(status=status)  # as the last accepted word left it
    crisp = Output.objects.get(initiative__code="AWPEC-13", position=2)
    crisp.status = "completed"
    crisp.save()

    period = opened(secretariat, 2026, 2)

    codes = {(code, output) for code, output, *_ in owed(period)}
    assert ("AWPEC-1.1", None) not in codes
    assert ("AWPEC-8.1", None) not in codes
    assert ("AWPEC-13", 2) not in codes
    assert ("AWPEC-13", None) in codes


def test_a_delayed_line_is_still_owed(secretariat):
    Initiative.objects.filter(code="AWPEC-1.1").update(status="delayed")

    assert ("AWPEC-1.1", None, "TELSOM", True) in owed(opened(secretariat, 2026, 2))


def test_lines_of_plans_that_ended_in_2025_are_carried_over_in_2026(secretariat):
    period = opened(secretariat, 2026, 2)

    assert {carried for *_, carried in owed(period)} == {True}


def test_lines_are_not_carried_over_while_their_plan_runs(secretariat):
    period = opened(secretariat, 2025, 2)

    assert {carried for *_, carried in owed(period)} == {False}
    assert ("AWPEC-13", 2, "SLC", False) in owed(period)


def test_lines_of_a_plan_not_yet_started_are_not_owed(secretariat):
    period = opened(secretariat, 2018, 2)  # DIFAP runs from 2019, AWPEC from 2017
    codes = {code for code, *_ in owed(period)}

    assert "AWPEC-1.1" in codes
    assert not {code for code in codes if code.startswith("DIFAP-")}


def test_an_update_answers_the_report_its_body_owes(secretariat):
    period = opened(secretariat, 2026, 2)
    slc = User.objects.get(username="slc")
    crisp = Output.objects.get(initiative__code="AWPEC-13", position=2)

    update = update_create(
        user=slc, period=period, initiative=crisp.initiative, output=crisp, body=slc.body, values=VALUES, submit=True
    )

    assert update.expected == ExpectedReport.objects.get(period=period, body=slc.body)
    assert not ExpectedReport.objects.filter(period=period, body=slc.body).missing().exists()


def test_a_report_from_a_body_not_owing_one_is_received_but_answers_nothing(secretariat):
    period = opened(secretariat, 2026, 2)
    wc_pss = User.objects.get(username="wc-pss")

    update = update_create(user=wc_pss, period=period, initiative=line("AWPEC-14.1"), body=wc_pss.body, values=VALUES)

    assert update.expected is None


# Which period is current -----------------------------------------------------------------------------------------


def test_the_current_period_is_the_open_one(secretariat):
    closed(secretariat, 2026, 1)
    second_half = opened(secretariat, 2026, 2)

    assert Period.objects.current() == second_half


def test_the_current_period_is_the_latest_closed_one_when_none_is_open(secretariat):
    closed(secretariat, 2025, 2)
    latest = closed(secretariat, 2026, 1)

    assert Period.objects.current() == latest
