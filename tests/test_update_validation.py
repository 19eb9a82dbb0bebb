"""What an update must say: status, progress, reasons, dates, Member States, narrative; a refusal saves nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from reporting.models import MemberStateProgress, Update
from reporting.services import (
    period_create,
    period_open,
    update_create,
    update_edit,
    update_submit,
)
from tests.helpers import line
from workprogramme.concurrency import Conflict
from workprogramme.models import Output

pytestmark = pytest.mark.django_db


def form_values(**changes):
    values = {
        "status": "in_progress",
        "progress": 40,
        "as_of": None,
        "narrative": "Two regional workshops held.",
        "next_steps": "",
        "blockers": "",
        "reason": "",
        "reason_explanation": "",
    }
    return values | changes


@pytest.fixture
def period(secretariat):
    """2026-H2: 1 Jul 2026 to 31 Dec 2026."""
    return period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))


@pytest.fixture
def cptfwg(db):
    return User.objects.get(username="cptfwg")


@pytest.fixture
def file(period, telsom):
    """File TELSOM's update on AWPEC-1.1 as the form would."""

    def file(submit=False, **changes):
        return update_create(
            user=telsom,
            period=period,
            initiative=line("AWPEC-1.1"),
            body=telsom.body,
            values=form_values(**changes),
            submit=submit,
        )

    return file


def stored(update):
    """The update as the database holds it: what was saved, not the object the service handed back."""
    return Update.objects.get(pk=update.pk)


def refusal(file, **changes):
    """The errors the services give for these values, by field; and check that nothing was filed."""
    with pytest.raises(ValidationError) as refused:
        file(**changes)
    assert not Update.objects.filter(period__year=2026).exists()
    return refused.value.message_dict


# Status and progress -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["", None, "ratified", "COMPLETED"])
def test_an_update_needs_a_known_status(file, status):
    assert refusal(file, status=status)["status"] == ["Choose a status."]


@pytest.mark.parametrize("status", ["not_started", "in_progress"])
def test_each_open_status_can_be_reported(file, status):
    assert stored(file(status=status, progress=0)).status == status


@pytest.mark.parametrize("progress", [-1, 101, 250, None])
def test_progress_is_a_percentage(file, progress):
    assert refusal(file, progress=progress)["progress"] == ["Progress is a percentage between 0 and 100."]


@pytest.mark.parametrize("progress", [0, 1, 99])
def test_progress_from_0_to_99_is_accepted_for_a_line_in_progress(file, progress):
    assert stored(file(progress=progress)).progress == progress


@pytest.mark.parametrize("status", ["not_started", "in_progress"])
def test_progress_can_only_be_100_when_completed(file, status):
    assert refusal(file, status=status, progress=100)["progress"] == [
        "Progress can only be 100% when the status is Completed."
    ]


def test_progress_100_is_refused_for_a_delayed_line_too(file):
    errors = refusal(file, status="delayed", progress=100, reason="capacity", reason_explanation="No staff.")

    assert errors == {"progress": ["Progress can only be 100% when the status is Completed."]}


@pytest.mark.parametrize("progress", [0, 80, 99])
def test_a_completed_line_needs_100_percent(file, progress):
    assert refusal(file, status="completed", progress=progress)["progress"] == [
        f"A completed line is 100% done; you entered {progress}%."
    ]


def test_a_completed_line_at_100_percent_is_accepted(file):
    update = stored(file(status="completed", progress=100))

    assert (update.status, update.progress) == ("completed", 100)


# Delayed and discontinued need a reason ----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "label"), [("delayed", "delayed"), ("discontinued", "discontinued")])
def test_a_delayed_or_discontinued_line_needs_a_reason_and_an_explanation(file, status, label):
    errors = refusal(file, status=status)

    assert errors == {
        "reason": [f"Say why the line is {label}: choose a reason."],
        "reason_explanation": ["Explain the reason in a sentence or two."],
    }


def test_a_delayed_line_needs_an_explanation_besides_the_reason(file):
    errors = refusal(file, status="delayed", reason="awaiting_funding", reason_explanation="   ")

    assert errors == {"reason_explanation": ["Explain the reason in a sentence or two."]}


def test_a_delayed_line_needs_a_reason_besides_the_explanation(file):
    errors = refusal(file, status="delayed", reason="", reason_explanation="Funding not confirmed.")

    assert errors == {"reason": ["Say why the line is delayed: choose a reason."]}


@pytest.mark.parametrize("reason", ["because", "bad_weather", "Awaiting funding"])
def test_the_reason_must_come_from_the_fixed_list(file, reason):
    # The reasons are a fixed list so that they can be counted: free text cannot slip in.
    with pytest.raises(ValidationError) as refused:
        file(status="delayed", reason=reason, reason_explanation="Explained.")

    assert "reason" in refused.value.message_dict
    assert not Update.objects.filter(period__year=2026).exists()


@pytest.mark.parametrize("reason", Update.Reason.values)
def test_every_reason_on_the_list_is_accepted_for_a_delayed_line(file, reason):
    update = stored(file(status="delayed", reason=reason, reason_explanation="Explained in the minutes."))

    assert (update.status, update.reason, update.reason_explanation) == ("delayed", reason, "Explained in the minutes.")


def test_a_discontinued_line_with_its_reason_is_accepted(file):
    update = stored(file(status="discontinued", progress=10, reason="change_of_scope", reason_explanation="Merged."))

    assert (update.status, update.reason, update.reason_explanation) == ("discontinued", "change_of_scope", "Merged.")


@pytest.mark.parametrize("status", ["not_started", "in_progress"])
def test_a_reason_is_only_given_for_a_delayed_or_discontinued_line(file, status):
    errors = refusal(file, status=status, progress=10, reason="awaiting_funding", reason_explanation="x")

    assert errors == {"reason": ["A reason is only given for a delayed or discontinued line."]}


# The date the facts are as of ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        (date(2026, 6, 30), "30 Jun 2026 is outside 2026-H2 (01 Jul 2026 to 31 Dec 2026)."),
        (date(2027, 1, 1), "01 Jan 2027 is outside 2026-H2 (01 Jul 2026 to 31 Dec 2026)."),
        (date(2019, 8, 13), "13 Aug 2019 is outside 2026-H2 (01 Jul 2026 to 31 Dec 2026)."),
    ],
)
def test_an_as_of_date_outside_the_period_is_refused(file, as_of, message):
    assert refusal(file, as_of=as_of) == {"as_of": [message]}


@pytest.mark.parametrize("as_of", [date(2026, 7, 1), date(2026, 10, 15), date(2026, 12, 31), None])
def test_an_as_of_date_inside_the_period_or_none_is_accepted(file, as_of):
    assert stored(file(as_of=as_of)).as_of == as_of


# Per Member State --------------------------------------------------------------------------------------------------


def file_protocol_2(period, cptfwg, member_states, **changes):
    return update_create(
        user=cptfwg,
        period=period,
        initiative=line("DIFAP-1.3.1"),
        body=cptfwg.body,
        values=form_values(**changes),
        member_states=member_states,
    )


def test_per_member_state_status_is_saved_for_a_line_tracked_per_member_state(period, cptfwg):
    update = file_protocol_2(period, cptfwg, {"VN": "completed", "PH": "in_progress", "BN": "not_started"})

    assert line("DIFAP-1.3.1").per_member_state is True
    assert {p.member_state.code: p.status for p in MemberStateProgress.objects.filter(update=update)} == {
        "VN": "completed",
        "PH": "in_progress",
        "BN": "not_started",
    }


def test_editing_replaces_the_per_member_state_statuses(period, cptfwg):
    update = file_protocol_2(period, cptfwg, {"VN": "completed", "PH": "in_progress"})

    update_edit(
        user=cptfwg,
        update=update,
        values=form_values(),
        version=update.version,
        member_states={"PH": "completed", "ID": "in_progress"},
    )

    assert {p.member_state.code: p.status for p in MemberStateProgress.objects.filter(update=update)} == {
        "PH": "completed",
        "ID": "in_progress",
    }


def test_per_member_state_status_is_refused_where_the_line_is_not_tracked_per_member_state(period, telsom):
    with pytest.raises(ValidationError) as refused:
        update_create(
            user=telsom,
            period=period,
            initiative=line("AWPEC-1.3"),
            body=telsom.body,
            values=form_values(),
            member_states={"VN": "completed"},
        )

    assert refused.value.message_dict == {"member_states": ["AWPEC-1.3 is not tracked per Member State."]}
    assert not Update.objects.filter(period=period).exists()
    assert not MemberStateProgress.objects.filter(update__period=period).exists()


def test_an_unknown_member_state_is_refused(period, cptfwg):
    with pytest.raises(ValidationError) as refused:
        file_protocol_2(period, cptfwg, {"VN": "completed", "XX": "completed", "TL": "in_progress"})

    assert refused.value.message_dict == {
        "member_states": ["Unknown Member State code(s): TL, XX. Use ISO codes such as VN."]
    }
    assert not Update.objects.filter(period=period).exists()
    assert not MemberStateProgress.objects.filter(update__period=period).exists()


def test_an_unknown_member_state_status_is_refused(period, cptfwg):
    with pytest.raises(ValidationError) as refused:
        file_protocol_2(period, cptfwg, {"VN": "ratified"})

    assert refused.value.message_dict == {"member_states": ["Unknown status(es): ratified."]}
    assert not Update.objects.filter(period=period).exists()


def test_an_unknown_member_state_is_refused_on_edit_and_the_old_statuses_stay(period, cptfwg):
    update = file_protocol_2(period, cptfwg, {"VN": "completed"})

    with pytest.raises(ValidationError, match="Unknown Member State code"):
        update_edit(
            user=cptfwg, update=update, values=form_values(), version=update.version, member_states={"ZZ": "completed"}
        )

    assert {p.member_state.code: p.status for p in MemberStateProgress.objects.filter(update=update)} == {
        "VN": "completed"
    }
    assert Update.objects.get(pk=update.pk).version == update.version


# Submitting, and one update per line ------------------------------------------------------------------------------


def test_an_update_cannot_be_submitted_without_a_narrative(file, telsom):
    draft = file(narrative="  ")

    with pytest.raises(ValidationError) as refused:
        update_submit(user=telsom, update=draft, version=draft.version)

    assert refused.value.message_dict == {"narrative": ["Describe the progress before submitting."]}
    draft = Update.objects.get(pk=draft.pk)
    assert (draft.state, draft.version, draft.submitted_at) == ("draft", 1, None)


def test_filing_and_submitting_at_once_without_a_narrative_saves_nothing(file):
    errors = refusal(file, narrative="", submit=True)

    assert errors == {"narrative": ["Describe the progress before submitting."]}


def test_editing_and_submitting_without_a_narrative_saves_neither_the_edit_nor_the_submission(file, telsom):
    draft = file()

    with pytest.raises(ValidationError, match="Describe the progress before submitting."):
        update_edit(
            user=telsom, update=draft, values=form_values(narrative="", progress=70), version=draft.version, submit=True
        )

    draft = Update.objects.get(pk=draft.pk)
    assert (draft.state, draft.progress, draft.narrative, draft.version) == (
        "draft",
        40,
        "Two regional workshops held.",
        1,
    )
    assert draft.history.count() == 1


def test_an_invalid_edit_changes_nothing(file, telsom):
    draft = file()

    with pytest.raises(ValidationError, match="Progress can only be 100% when the status is Completed."):
        update_edit(user=telsom, update=draft, values=form_values(progress=100), version=draft.version)

    draft = Update.objects.get(pk=draft.pk)
    assert (draft.progress, draft.version, draft.history.count()) == (40, 1, 1)


def test_an_edit_is_checked_against_what_it_does_not_change(file, telsom):
    # A delayed draft keeps its reason; turning it to completed without clearing the reason is refused.
    draft = file(status="delayed", reason="capacity", reason_explanation="Short of staff.")

    with pytest.raises(ValidationError) as refused:
        update_edit(user=telsom, update=draft, values={"status": "completed", "progress": 100}, version=draft.version)

    assert refused.value.message_dict == {"reason": ["A reason is only given for a delayed or discontinued line."]}


def test_a_body_files_one_update_per_line_and_period(file):
    first = file()

    with pytest.raises(Conflict, match="TELSOM already has an update on this line for 2026-H2 .Draft.: edit"):
        file(progress=80)

    assert list(Update.objects.filter(period__year=2026)) == [first]


def test_two_bodies_each_file_their_own_update_on_a_shared_line(period):
    cptfwg, swg_acts = User.objects.get(username="cptfwg"), User.objects.get(username="swg-acts")
    protocol_2 = line("DIFAP-1.3.1")

    for reporter in (cptfwg, swg_acts):
        update_create(user=reporter, period=period, initiative=protocol_2, body=reporter.body, values=form_values())

    assert Update.objects.filter(period=period, initiative=protocol_2).count() == 2


def test_an_output_must_belong_to_the_line(period, telsom):
    other_output = Output.objects.get(initiative__code="AWPEC-13", position=1)  # held by TELSOM

    with pytest.raises(ValidationError, match="That output does not belong to AWPEC-1.1."):
        update_create(
            user=telsom,
            period=period,
            initiative=line("AWPEC-1.1"),
            output=other_output,
            body=telsom.body,
            values=form_values(),
        )

    assert not Update.objects.filter(period=period).exists()


def test_text_fields_are_kept_as_written(file):
    update = file(next_steps="Adopt at TELMIN.", blockers="Funding for the study.")

    update = Update.objects.get(pk=update.pk)
    assert (update.narrative, update.next_steps, update.blockers) == (
        "Two regional workshops held.",
        "Adopt at TELMIN.",
        "Funding for the study.",
    )
