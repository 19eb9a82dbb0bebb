"""Two people at work on the same record: the edit made from an old version is refused, and nothing is overwritten."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from reporting.models import Comment, Update
from reporting.services import (
    period_create,
    period_open,
    status_correct,
    update_accept,
    update_create,
    update_edit,
    update_return,
    update_submit,
    update_withdraw,
)
from tests.helpers import fresh, line
from workprogramme.concurrency import StaleEdit
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db

STALE = "changed this at .*, after you opened it. Your change was not saved"


def form_values(**changes):
    values = {
        "status": "in_progress",
        "progress": 40,
        "as_of": None,
        "narrative": "Study under way.",
        "next_steps": "",
        "blockers": "",
        "reason": "",
        "reason_explanation": "",
    }
    return values | changes


def snapshot(update):
    update = fresh(update)
    return (update.state, update.version, update.progress, update.narrative, update.reviewer_id, update.history.count())


@pytest.fixture
def period(secretariat):
    return period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))


@pytest.fixture
def draft(period, telsom):
    return update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=form_values()
    )


@pytest.fixture
def submitted(draft, telsom):
    return update_submit(user=telsom, update=draft, version=draft.version)


# Updates -----------------------------------------------------------------------------------------------------------


def test_every_save_raises_the_version(period, telsom, reviewer):
    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=form_values()
    )
    versions = [update.version]
    update = update_edit(user=telsom, update=update, values=form_values(progress=50), version=update.version)
    versions.append(update.version)
    update = update_submit(user=telsom, update=update, version=update.version)
    versions.append(update.version)
    update = update_return(user=reviewer, update=update, comment="Add dates.", version=update.version)
    versions.append(update.version)
    update = update_submit(user=telsom, update=update, version=update.version)
    versions.append(update.version)
    update = update_withdraw(user=telsom, update=update, version=update.version)
    versions.append(update.version)
    update = update_submit(user=telsom, update=update, version=update.version)
    versions.append(update.version)
    update = update_accept(user=reviewer, update=update, version=update.version)
    versions.append(update.version)

    assert versions == [1, 2, 3, 4, 5, 6, 7, 8]
    assert fresh(update).version == 8


def test_the_second_of_two_edits_from_the_same_version_is_refused(draft, telsom, secretariat):
    read_at = draft.version  # both open the draft
    update_edit(
        user=telsom, update=draft, values=form_values(progress=55, narrative="TELSOM's words."), version=read_at
    )
    before = snapshot(draft)

    with pytest.raises(StaleEdit, match="telsom " + STALE):
        update_edit(
            user=secretariat,
            update=draft,
            values=form_values(progress=10, narrative="Secretariat's words."),
            version=read_at,
        )

    assert snapshot(draft) == before
    kept = fresh(draft)
    assert (kept.progress, kept.narrative, kept.on_behalf) == (55, "TELSOM's words.", False)


def test_a_stale_edit_with_submit_neither_saves_nor_submits(draft, telsom, secretariat):
    read_at = draft.version
    update_edit(user=secretariat, update=draft, values=form_values(progress=60), version=read_at)
    before = snapshot(draft)

    with pytest.raises(StaleEdit, match="secretariat " + STALE):
        update_edit(user=telsom, update=draft, values=form_values(progress=20), version=read_at, submit=True)

    assert snapshot(draft) == before
    assert fresh(draft).state == Update.State.DRAFT


def test_the_version_from_a_form_may_arrive_as_text(draft, telsom):
    update = update_edit(user=telsom, update=draft, values=form_values(progress=45), version=str(draft.version))

    assert fresh(update).progress == 45

    with pytest.raises(StaleEdit):
        update_edit(user=telsom, update=draft, values=form_values(progress=46), version=str(draft.version))
    assert fresh(update).progress == 45


def test_after_a_refusal_the_edit_succeeds_from_the_current_version(draft, telsom, secretariat):
    update_edit(user=telsom, update=draft, values=form_values(progress=55), version=draft.version)
    with pytest.raises(StaleEdit):
        update_edit(user=secretariat, update=draft, values=form_values(progress=10), version=draft.version)

    current = fresh(draft)
    update = update_edit(user=secretariat, update=current, values=form_values(progress=10), version=current.version)

    assert (fresh(update).progress, fresh(update).version) == (10, 3)


def test_a_stale_submission_is_refused(draft, telsom, secretariat):
    read_at = draft.version
    update_edit(user=secretariat, update=draft, values=form_values(progress=60), version=read_at)
    before = snapshot(draft)

    with pytest.raises(StaleEdit):
        update_submit(user=telsom, update=draft, version=read_at)

    assert snapshot(draft) == before


def test_a_stale_withdrawal_is_refused(submitted, telsom, secretariat):
    read_at = submitted.version
    resubmitted = update_withdraw(user=secretariat, update=submitted, version=read_at)
    resubmitted = update_submit(user=secretariat, update=resubmitted, version=resubmitted.version)
    before = snapshot(submitted)

    with pytest.raises(StaleEdit):
        update_withdraw(user=telsom, update=submitted, version=read_at)

    assert snapshot(submitted) == before
    assert fresh(submitted).state == Update.State.SUBMITTED


def test_reviewer_cannot_accept_a_version_they_did_not_read(submitted, telsom, reviewer):
    read_at = submitted.version  # the reviewer opens the submitted update
    withdrawn = update_withdraw(user=telsom, update=submitted, version=read_at)
    changed = update_edit(
        user=telsom, update=withdrawn, values=form_values(progress=5), version=withdrawn.version, submit=True
    )
    status_before = line("AWPEC-1.1").status
    before = snapshot(changed)

    with pytest.raises(StaleEdit, match="telsom " + STALE):
        update_accept(user=reviewer, update=submitted, version=read_at)

    assert snapshot(changed) == before
    assert fresh(changed).state == Update.State.SUBMITTED
    assert line("AWPEC-1.1").status == status_before


def test_reviewer_cannot_return_a_version_they_did_not_read(submitted, telsom, reviewer):
    read_at = submitted.version
    withdrawn = update_withdraw(user=telsom, update=submitted, version=read_at)
    update_submit(user=telsom, update=withdrawn, version=withdrawn.version)
    before = snapshot(submitted)

    with pytest.raises(StaleEdit):
        update_return(user=reviewer, update=submitted, comment="Revise.", version=read_at)

    assert snapshot(submitted) == before
    assert not Comment.objects.filter(update=submitted).exists()


def test_a_body_editing_an_update_accepted_meanwhile_gets_a_stale_edit(submitted, telsom, reviewer):
    read_at = submitted.version
    update_accept(user=reviewer, update=submitted, version=read_at)
    before = snapshot(submitted)

    with pytest.raises(StaleEdit, match="accec " + STALE):
        update_withdraw(user=telsom, update=submitted, version=read_at)

    assert snapshot(submitted) == before
    assert fresh(submitted).state == Update.State.ACCEPTED


# Initiative status -----------------------------------------------------------------------------------------------


def correct(user, initiative, status, version, **extra):
    """A Secretariat correction with what it needs: a note, and a reason where the status asks for one."""
    if status in ("delayed", "discontinued"):
        extra = {"reason": "awaiting_funding", "reason_explanation": "No funding this year.", **extra}
    return status_correct(user=user, initiative=initiative, status=status, note="Per SEOM.", version=version, **extra)


def test_secretariat_corrects_a_lines_status_from_the_version_it_read(secretariat, period):
    initiative = line("AWPEC-8.1")
    target = "delayed" if initiative.status != "delayed" else "in_progress"

    correction = correct(secretariat, initiative, target, initiative.version)

    assert (line("AWPEC-8.1").status, line("AWPEC-8.1").version) == (target, initiative.version + 1)
    latest = line("AWPEC-8.1").history.first()
    assert (latest.history_user, latest.status) == (secretariat, target)
    assert latest.history_change_reason == f"Accepted update {correction.pk} ({period})"


def test_a_stale_status_correction_on_a_line_is_refused(secretariat, period):
    initiative = line("AWPEC-8.1")
    read_at = initiative.version
    correct(secretariat, initiative, "delayed", read_at)
    history_count = line("AWPEC-8.1").history.count()

    with pytest.raises(StaleEdit, match="secretariat " + STALE):
        correct(secretariat, initiative, "completed", read_at)

    assert line("AWPEC-8.1").status == "delayed"
    assert line("AWPEC-8.1").version == read_at + 1
    assert line("AWPEC-8.1").history.count() == history_count


def test_an_accepted_update_makes_a_correction_begun_before_it_stale(submitted, reviewer, secretariat):
    initiative = line("AWPEC-1.1")
    Initiative.objects.filter(pk=initiative.pk).update(status="not_started")  # whatever the baseline said
    initiative.refresh_from_db()
    read_at = initiative.version  # the Secretariat opens the line's correction form

    update_accept(user=reviewer, update=submitted, version=submitted.version)
    assert line("AWPEC-1.1").status == "in_progress"

    with pytest.raises(StaleEdit, match="accec " + STALE):
        correct(secretariat, initiative, "discontinued", read_at)

    assert line("AWPEC-1.1").status == "in_progress"


def test_only_the_secretariat_corrects_a_lines_status(telsom, reviewer, period):
    initiative = line("AWPEC-1.1")

    for someone in (telsom, reviewer, User.objects.create_user("observer", role=User.Role.OBSERVER)):
        with pytest.raises(PermissionDenied, match="Only ASEAN Secretariat staff can correct a line's status"):
            correct(someone, initiative, "completed", initiative.version)

    assert line("AWPEC-1.1").status == initiative.status
    assert line("AWPEC-1.1").version == initiative.version


def test_an_unknown_status_is_refused(secretariat, period):
    initiative = line("AWPEC-1.1")

    with pytest.raises(ValidationError, match="Choose a status."):
        correct(secretariat, initiative, "done", initiative.version)

    assert line("AWPEC-1.1").version == initiative.version
