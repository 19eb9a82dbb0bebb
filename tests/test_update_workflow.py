"""The life of an update: draft -> submitted -> accepted, or returned -> resubmitted, or withdrawn; and what it moves.

Every allowed transition is walked, every refused one is tried, and after each refusal nothing has moved.
"""

import re

import pytest
from django.core.exceptions import ValidationError

from reporting.models import Comment, ExpectedReport, Period, Update
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
    update_withdraw,
)
from tests.helpers import fresh, line, user
from workprogramme.models import Initiative, Output

pytestmark = pytest.mark.django_db

NARRATIVE = "Gap study drafted; consultations with the regulators under way."


def form_values(**changes):
    """What UpdateForm.values() hands the services: every field, blanks as the form cleans them."""
    values = {
        "status": "in_progress",
        "progress": 40,
        "as_of": None,
        "narrative": NARRATIVE,
        "next_steps": "Circulate the study to TELSOM members.",
        "blockers": "",
        "reason": "",
        "reason_explanation": "",
    }
    return values | changes


def snapshot(update):
    """Everything a refused action must leave as it was."""
    update = fresh(update)
    return (
        update.state,
        update.version,
        update.status,
        update.progress,
        update.narrative,
        update.author_id,
        update.reviewer_id,
        update.review_comment,
        update.submitted_at,
        update.reviewed_at,
        update.history.count(),
    )


@pytest.fixture(autouse=True)
def lines_not_started(db):
    """Arrange: the lines reported on here start as not started, whether or not the 2019 baseline was loaded."""
    Initiative.objects.filter(code__in=["AWPEC-1.1", "AWPEC-1.3", "AWPEC-13"]).update(status="not_started")
    Output.objects.filter(initiative__code="AWPEC-13").update(status="not_started")


@pytest.fixture
def period(secretariat):
    """2026-H2, open, deadline 31 Jan 2027 (still ahead)."""
    return period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))


@pytest.fixture
def draft(period, telsom):
    return update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=form_values()
    )


@pytest.fixture
def submitted(draft, telsom):
    return update_submit(user=telsom, update=draft, version=draft.version)


@pytest.fixture
def accepted(submitted, reviewer):
    return update_accept(user=reviewer, update=submitted, version=submitted.version)


@pytest.fixture
def returned(submitted, reviewer):
    return update_return(
        user=reviewer, update=submitted, comment="Name the regulators consulted.", version=submitted.version
    )


@pytest.fixture
def withdrawn(submitted, telsom):
    return update_withdraw(user=telsom, update=submitted, version=submitted.version)


# Allowed transitions ---------------------------------------------------------------------------------------------


def test_reporter_files_a_draft_for_a_line_their_body_leads(draft, period, telsom):
    draft = fresh(draft)

    assert draft.state == Update.State.DRAFT
    assert (draft.period, draft.initiative.code, draft.output, draft.body) == (period, "AWPEC-1.1", None, telsom.body)
    assert draft.author == telsom
    assert draft.on_behalf is False
    assert draft.reviewer is None
    assert draft.submitted_at is None
    assert draft.version == 1
    assert (draft.status, draft.progress, draft.narrative) == ("in_progress", 40, NARRATIVE)
    assert draft.next_steps == "Circulate the study to TELSOM members."
    # It answers the report TELSOM owes for the line, but a draft is not yet a report received.
    assert draft.expected == ExpectedReport.objects.get(
        period=period, initiative=draft.initiative, output=None, body=telsom.body
    )
    assert ExpectedReport.objects.missing().filter(pk=draft.expected_id).exists()


def test_draft_is_submitted_for_review(draft, telsom):
    submitted = update_submit(user=telsom, update=draft, version=draft.version)

    submitted = fresh(submitted)
    assert submitted.state == Update.State.SUBMITTED
    assert submitted.submitted_at is not None
    assert submitted.late is False
    assert submitted.version == 2
    assert not ExpectedReport.objects.missing().filter(pk=submitted.expected_id).exists()
    assert Update.objects.awaiting_review().filter(pk=submitted.pk).exists()


def test_update_can_be_filed_and_submitted_at_once(period, telsom):
    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.3"), body=telsom.body, values=form_values(), submit=True
    )

    assert fresh(update).state == Update.State.SUBMITTED
    assert fresh(update).submitted_at is not None


def test_reviewer_accepts_a_submitted_update(submitted, reviewer, telsom):
    initiative = line("AWPEC-1.1")
    assert initiative.status == "not_started"

    accepted = update_accept(user=reviewer, update=submitted, version=submitted.version)

    accepted = fresh(accepted)
    assert accepted.state == Update.State.ACCEPTED
    assert accepted.reviewer == reviewer
    assert accepted.reviewed_at is not None
    assert accepted.version == submitted.version + 1
    # The accepted status becomes the line's current status, and the line's version moves on.
    assert line("AWPEC-1.1").status == "in_progress"
    assert line("AWPEC-1.1").version == initiative.version + 1


def test_reviewer_returns_a_submitted_update_with_a_comment(submitted, reviewer, telsom):
    returned = update_return(
        user=reviewer, update=submitted, comment="  Name the regulators consulted.  ", version=submitted.version
    )

    returned = fresh(returned)
    assert returned.state == Update.State.RETURNED
    assert returned.review_comment == "Name the regulators consulted."
    assert returned.reviewer == reviewer
    assert returned.reviewed_at is not None
    assert returned.is_editable
    [comment] = Comment.objects.filter(update=returned)
    assert (comment.author, comment.text) == (reviewer, "Name the regulators consulted.")
    # A returned update moves nothing in the catalogue.
    assert line("AWPEC-1.1").status == "not_started"


def test_returned_update_can_be_revised_and_resubmitted(returned, telsom, reviewer):
    revised = update_edit(
        user=telsom,
        update=returned,
        values=form_values(progress=55, narrative=NARRATIVE + " Consulted: MCMC, IMDA, NBTC."),
        version=returned.version,
        submit=True,
    )

    revised = fresh(revised)
    assert revised.state == Update.State.SUBMITTED
    assert revised.progress == 55
    assert revised.narrative.endswith("Consulted: MCMC, IMDA, NBTC.")
    assert revised.author == telsom

    accepted = update_accept(user=reviewer, update=revised, version=revised.version)

    assert fresh(accepted).state == Update.State.ACCEPTED
    assert line("AWPEC-1.1").status == "in_progress"


def test_returned_update_can_be_resubmitted_as_it_is(returned, telsom):
    resubmitted = update_submit(user=telsom, update=returned, version=returned.version)

    assert fresh(resubmitted).state == Update.State.SUBMITTED


def test_body_withdraws_a_submitted_update_before_it_is_reviewed(submitted, telsom):
    withdrawn = update_withdraw(user=telsom, update=submitted, version=submitted.version)

    withdrawn = fresh(withdrawn)
    assert withdrawn.state == Update.State.WITHDRAWN
    assert withdrawn.is_editable
    assert not Update.objects.awaiting_review().filter(pk=withdrawn.pk).exists()
    # Taken back: no longer counted as a report received.
    assert ExpectedReport.objects.missing().filter(pk=withdrawn.expected_id).exists()


def test_withdrawn_update_can_be_corrected_and_submitted_again(withdrawn, telsom):
    resubmitted = update_edit(
        user=telsom, update=withdrawn, values=form_values(progress=45), version=withdrawn.version, submit=True
    )

    resubmitted = fresh(resubmitted)
    assert resubmitted.state == Update.State.SUBMITTED
    assert resubmitted.progress == 45


def test_withdrawn_update_can_be_submitted_again_unchanged(withdrawn, telsom):
    resubmitted = update_submit(user=telsom, update=withdrawn, version=withdrawn.version)

    assert fresh(resubmitted).state == Update.State.SUBMITTED


def test_draft_can_be_edited_and_stays_a_draft(draft, telsom):
    edited = update_edit(
        user=telsom, update=draft, values=form_values(progress=50, blockers="Budget"), version=draft.version
    )

    edited = fresh(edited)
    assert edited.state == Update.State.DRAFT
    assert (edited.progress, edited.blockers, edited.version) == (50, "Budget", 2)


# Refused transitions ---------------------------------------------------------------------------------------------


def test_a_draft_cannot_be_accepted(draft, reviewer):
    before = snapshot(draft)

    with pytest.raises(ValidationError, match="Only a submitted update can be accepted; this one is draft."):
        update_accept(user=reviewer, update=draft, version=draft.version)

    assert snapshot(draft) == before
    assert line("AWPEC-1.1").status == "not_started"


def test_an_update_cannot_be_accepted_twice(accepted, reviewer):
    before = snapshot(accepted)

    with pytest.raises(ValidationError, match="Only a submitted update can be accepted; this one is accepted."):
        update_accept(user=reviewer, update=accepted, version=accepted.version)

    assert snapshot(accepted) == before


def test_an_accepted_update_cannot_be_returned(accepted, reviewer):
    before = snapshot(accepted)

    with pytest.raises(ValidationError, match="Only a submitted update can be returned; this one is accepted."):
        update_return(user=reviewer, update=accepted, comment="Too late, but still.", version=accepted.version)

    assert snapshot(accepted) == before
    assert not Comment.objects.filter(update=accepted).exists()


def test_an_accepted_update_cannot_be_withdrawn(accepted, telsom):
    before = snapshot(accepted)

    with pytest.raises(ValidationError, match="Only a submitted update that is not yet reviewed can be withdrawn."):
        update_withdraw(user=telsom, update=accepted, version=accepted.version)

    assert snapshot(accepted) == before


def test_an_accepted_update_cannot_be_edited(accepted, telsom):
    before = snapshot(accepted)

    with pytest.raises(ValidationError, match="This update is accepted: it can no longer be edited."):
        update_edit(user=telsom, update=accepted, values=form_values(progress=90), version=accepted.version)

    assert snapshot(accepted) == before


def test_an_accepted_update_cannot_be_submitted_again(accepted, telsom):
    before = snapshot(accepted)

    with pytest.raises(ValidationError, match="This update is accepted: it cannot be submitted."):
        update_submit(user=telsom, update=accepted, version=accepted.version)

    assert snapshot(accepted) == before


@pytest.mark.parametrize("comment", ["", "   \n ", None])
def test_an_update_cannot_be_returned_without_a_comment(submitted, reviewer, comment):
    before = snapshot(submitted)

    with pytest.raises(ValidationError, match="Say what needs revising: the body sees this comment."):
        update_return(user=reviewer, update=submitted, comment=comment, version=submitted.version)

    assert snapshot(submitted) == before
    assert not Comment.objects.filter(update=submitted).exists()


def test_a_submitted_update_cannot_be_edited_until_withdrawn_or_returned(submitted, telsom):
    before = snapshot(submitted)

    with pytest.raises(ValidationError, match="This update is submitted: it can no longer be edited."):
        update_edit(user=telsom, update=submitted, values=form_values(progress=90), version=submitted.version)

    assert snapshot(submitted) == before


def test_a_submitted_update_cannot_be_submitted_twice(submitted, telsom):
    before = snapshot(submitted)

    with pytest.raises(ValidationError, match="This update is submitted: it cannot be submitted."):
        update_submit(user=telsom, update=submitted, version=submitted.version)

    assert snapshot(submitted) == before


def test_a_draft_cannot_be_withdrawn(draft, telsom):
    before = snapshot(draft)

    with pytest.raises(ValidationError, match="Only a submitted update that is not yet reviewed can be withdrawn."):
        update_withdraw(user=telsom, update=draft, version=draft.version)

    assert snapshot(draft) == before


def test_a_returned_update_cannot_be_withdrawn(returned, telsom):
    before = snapshot(returned)

    with pytest.raises(ValidationError, match="Only a submitted update that is not yet reviewed can be withdrawn."):
        update_withdraw(user=telsom, update=returned, version=returned.version)

    assert snapshot(returned) == before


def test_a_returned_update_cannot_be_accepted_until_resubmitted(returned, reviewer):
    before = snapshot(returned)

    with pytest.raises(
        ValidationError, match="Only a submitted update can be accepted; this one is returned for revision."
    ):
        update_accept(user=reviewer, update=returned, version=returned.version)

    assert snapshot(returned) == before
    assert line("AWPEC-1.1").status == "not_started"


def test_a_withdrawn_update_cannot_be_accepted_or_returned(withdrawn, reviewer):
    before = snapshot(withdrawn)

    with pytest.raises(ValidationError, match="Only a submitted update can be accepted; this one is withdrawn."):
        update_accept(user=reviewer, update=withdrawn, version=withdrawn.version)
    with pytest.raises(ValidationError, match="Only a submitted update can be returned; this one is withdrawn."):
        update_return(user=reviewer, update=withdrawn, comment="Why?", version=withdrawn.version)

    assert snapshot(withdrawn) == before


def test_refusals_are_validation_errors_naming_no_field(draft, reviewer):
    with pytest.raises(ValidationError) as refused:
        update_accept(user=reviewer, update=draft, version=draft.version)

    assert refused.value.message_dict == {"__all__": ["Only a submitted update can be accepted; this one is draft."]}


# What an accepted update moves -------------------------------------------------------------------------------------


def test_only_an_accepted_update_changes_the_lines_current_status(period, telsom, reviewer):
    values = form_values(status="delayed", reason="awaiting_funding", reason_explanation="Dialogue partner pending.")
    update = update_create(user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=values)
    assert line("AWPEC-1.1").status == "not_started"

    update = update_submit(user=telsom, update=update, version=update.version)
    assert line("AWPEC-1.1").status == "not_started"

    update = update_return(user=reviewer, update=update, comment="Which partner?", version=update.version)
    assert line("AWPEC-1.1").status == "not_started"

    update = update_submit(user=telsom, update=update, version=update.version)
    update = update_accept(user=reviewer, update=update, version=update.version)
    assert line("AWPEC-1.1").status == "delayed"


def test_an_accepted_output_update_changes_that_outputs_status_and_not_the_lines(period, reviewer):
    slc = user("slc")
    crisp = Output.objects.get(initiative__code="AWPEC-13", position=2)
    update = update_create(
        user=slc,
        period=period,
        initiative=crisp.initiative,
        output=crisp,
        body=slc.body,
        values=form_values(status="completed", progress=100, narrative="CRISP policy paper adopted."),
        submit=True,
    )

    update_accept(user=reviewer, update=update, version=update.version)

    assert Output.objects.get(pk=crisp.pk).status == "completed"
    assert Output.objects.get(pk=crisp.pk).history.first().history_user == reviewer
    assert Output.objects.get(initiative__code="AWPEC-13", position=1).status == "not_started"
    assert line("AWPEC-13").status == "not_started"


def closed_period(secretariat, year, half):
    period = period_create(user=secretariat, year=year, half=half)
    period_open(user=secretariat, period=period)
    return period_close(user=secretariat, period=period)


def file_and_submit(reporter, period, code, **values):
    return update_create(
        user=reporter,
        period=period,
        initiative=line(code),
        body=reporter.body,
        values=form_values(**values),
        submit=True,
    )


DELAYED = {"status": "delayed", "reason": "awaiting_consensus", "reason_explanation": "Two AMS object."}


def test_an_older_periods_accepted_update_does_not_override_a_later_accepted_one(secretariat, telsom, reviewer):
    first_half = closed_period(secretariat, 2026, 1)
    second_half = period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))
    older = file_and_submit(telsom, first_half, "AWPEC-1.1", **DELAYED)
    newer = file_and_submit(telsom, second_half, "AWPEC-1.1", status="in_progress", progress=70)

    update_accept(user=reviewer, update=newer, version=newer.version)
    older = update_accept(user=reviewer, update=older, version=older.version)

    assert fresh(older).state == Update.State.ACCEPTED
    assert line("AWPEC-1.1").status == "in_progress"


def test_a_later_periods_accepted_update_overrides_an_older_one(secretariat, telsom, reviewer):
    first_half = closed_period(secretariat, 2026, 1)
    second_half = period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))
    older = file_and_submit(telsom, first_half, "AWPEC-1.1", **DELAYED)
    newer = file_and_submit(telsom, second_half, "AWPEC-1.1", status="in_progress", progress=70)

    update_accept(user=reviewer, update=older, version=older.version)
    assert line("AWPEC-1.1").status == "delayed"
    update_accept(user=reviewer, update=newer, version=newer.version)

    assert line("AWPEC-1.1").status == "in_progress"


def test_a_later_year_beats_an_earlier_years_second_half(secretariat, telsom, reviewer):
    # 2026-H1 is later than 2025-H2 although its half is smaller.
    older = file_and_submit(telsom, closed_period(secretariat, 2025, 2), "AWPEC-1.1", **DELAYED)
    newer_period = period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=1))
    newer = file_and_submit(telsom, newer_period, "AWPEC-1.1", status="in_progress", progress=70)

    update_accept(user=reviewer, update=newer, version=newer.version)
    update_accept(user=reviewer, update=older, version=older.version)

    assert line("AWPEC-1.1").status == "in_progress"


# Who is recorded ---------------------------------------------------------------------------------------------------


def test_reviewer_is_recorded_beside_the_author_never_in_place_of_them(accepted, telsom, reviewer):
    accepted = fresh(accepted)

    assert accepted.author == telsom
    assert accepted.reviewer == reviewer


def test_returning_keeps_the_author_too(returned, telsom, reviewer):
    returned = fresh(returned)

    assert (returned.author, returned.reviewer) == (telsom, reviewer)


def history_of(obj):
    return [
        (record.history_user.username if record.history_user else None, record.history_change_reason or "")
        for record in obj.history.order_by("history_date", "history_id")
    ]


def test_history_names_the_acting_user_for_every_change_to_an_update(period, telsom, reviewer):
    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=form_values()
    )
    update = update_submit(user=telsom, update=update, version=update.version)
    update = update_withdraw(user=telsom, update=update, version=update.version)
    update = update_edit(
        user=telsom, update=update, values=form_values(progress=45), version=update.version, submit=True
    )
    update = update_return(user=reviewer, update=update, comment="Add the meeting reference.", version=update.version)
    update = update_edit(user=telsom, update=update, values=form_values(progress=50), version=update.version)
    update = update_submit(user=telsom, update=update, version=update.version)
    update = update_accept(user=reviewer, update=update, version=update.version)

    assert history_of(update) == [
        ("telsom", ""),
        ("telsom", "Submitted"),
        ("telsom", "Withdrawn"),
        ("telsom", ""),
        ("telsom", "Submitted"),
        ("accec", "Returned"),
        ("telsom", ""),
        ("telsom", "Submitted"),
        ("accec", "Accepted"),
    ]
    assert [record.state for record in update.history.order_by("history_date", "history_id")] == [
        "draft",
        "submitted",
        "withdrawn",
        "withdrawn",
        "submitted",
        "returned",
        "returned",
        "submitted",
        "accepted",
    ]


def test_history_of_the_line_names_the_reviewer_who_accepted(accepted, reviewer):
    latest = line("AWPEC-1.1").history.first()

    assert latest.history_user == reviewer
    assert latest.status == "in_progress"
    assert latest.history_change_reason == f"Accepted update {accepted.pk} (2026-H2)"


def test_history_names_the_secretariat_when_it_edits_for_a_body(draft, secretariat):
    update_edit(user=secretariat, update=draft, values=form_values(progress=60), version=draft.version)

    edited = fresh(draft)
    assert edited.history.first().history_user == secretariat
    assert edited.author == user("telsom")
    assert edited.on_behalf is True


def test_history_of_a_period_names_the_secretariat_at_each_step(secretariat):
    period = period_create(user=secretariat, year=2026, half=1)
    period_open(user=secretariat, period=period)
    period_close(user=secretariat, period=period)
    period_mark_reviewed(user=secretariat, period=period)

    records = list(Period.objects.get(pk=period.pk).history.order_by("history_date", "history_id"))
    assert [(r.state, r.history_user) for r in records] == [
        ("upcoming", secretariat),
        ("open", secretariat),
        ("closed", secretariat),
        ("reviewed", secretariat),
    ]


# Notifications ---------------------------------------------------------------------------------------------------


def test_accepting_queues_one_notification_for_after_the_commit(
    submitted, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update_accept(user=reviewer, update=submitted, version=submitted.version)

    assert len(callbacks) == 1


def test_returning_queues_one_notification_for_after_the_commit(
    submitted, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update_return(user=reviewer, update=submitted, comment="Add dates.", version=submitted.version)

    assert len(callbacks) == 1


def test_a_refused_acceptance_queues_nothing(draft, reviewer, django_capture_on_commit_callbacks):
    refused = pytest.raises(ValidationError, match=re.escape("this one is draft."))
    with django_capture_on_commit_callbacks(execute=False) as callbacks, refused:
        update_accept(user=reviewer, update=draft, version=draft.version)

    assert callbacks == []
