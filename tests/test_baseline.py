"""DIFAP's mid-2019 implementation column, loaded as the accepted baseline updates of 2019-H2."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from difap.models import ImplementationRecord
from reporting.models import MemberStateProgress, Period, Update
from reporting.services import (
    load_baseline,
    period_create,
    period_open,
    update_accept,
    update_create,
)
from tests.helpers import line
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db


def records():
    """Exactly what `manage.py load_baseline` hands the service."""
    return ImplementationRecord.objects.select_related("initiative", "output")


def baseline_updates():
    return Update.objects.filter(period__year=2019, period__half=2)


@pytest.fixture(autouse=True)
def no_baseline_yet(db):
    """Start from the catalogue without the baseline, whether or not the test session loaded it already."""
    MemberStateProgress.objects.filter(update__in=baseline_updates()).delete()
    baseline_updates().delete()
    Period.objects.filter(year=2019, half=2).delete()


@pytest.fixture
def loaded():
    return load_baseline(records())


def test_loading_the_baseline_creates_2019_h2_as_a_reviewed_period(loaded):
    period, created = loaded

    period = Period.objects.get(pk=period.pk)
    assert period.code == "2019-H2"
    assert period.state == Period.State.REVIEWED
    assert not period.takes_filings
    assert created == ImplementationRecord.objects.count()


def test_each_record_becomes_one_accepted_baseline_update(loaded):
    period, _ = loaded

    for record in ImplementationRecord.objects.select_related("initiative", "output"):
        [update] = Update.objects.filter(period=period, initiative=record.initiative, output=record.output)
        assert update.state == Update.State.ACCEPTED
        assert update.baseline is True
        assert update.narrative == record.text
        assert update.as_of == record.as_of
    assert baseline_updates().count() == ImplementationRecord.objects.count()
    assert baseline_updates().accepted().count() == ImplementationRecord.objects.count()


def test_protocol_2_has_six_member_states_completed_and_four_pending_as_of_13_august_2019(loaded):
    period, _ = loaded

    [update] = Update.objects.filter(period=period, initiative__code="DIFAP-1.3.1", output=None)

    assert update.initiative.title == "Protocol 2"
    assert update.as_of == date(2019, 8, 13)
    assert update.body.acronym == "CPTFWG"
    assert {p.member_state.code: p.status for p in update.member_state_progress.select_related("member_state")} == {
        **{code: "completed" for code in ["LA", "MM", "MY", "SG", "TH", "VN"]},
        **{code: "in_progress" for code in ["BN", "ID", "KH", "PH"]},
    }
    assert "6 AMS (LA, MY, MM, SG, TH, VN) have ratified" in update.narrative


def test_a_line_without_per_member_state_facts_gets_none(loaded):
    period, _ = loaded

    update = Update.objects.get(period=period, initiative__code="AWPEC-1.1", output=None)

    assert not update.member_state_progress.exists()


def test_lines_with_no_assigned_body_have_a_baseline_with_no_body(loaded):
    period, _ = loaded

    for code in ["AWPEC-3.1", "DIFAP-1.8"]:  # "All relevant sectoral bodies", "TBC"
        assert not line(code).responsibilities.exists()
        update = Update.objects.get(period=period, initiative__code=code)
        assert update.body is None
        assert update.state == Update.State.ACCEPTED


def test_each_baseline_update_belongs_to_the_lines_lead_or_the_outputs_holder(loaded):
    period, _ = loaded

    assert Update.objects.get(period=period, initiative__code="AWPEC-1.1").body.acronym == "TELSOM"
    assert Update.objects.get(period=period, initiative__code="AWPEC-14.1").body.acronym == "ACCEC"
    assert Update.objects.get(period=period, initiative__code="AWPEC-13", output__position=1).body.acronym == "TELSOM"
    assert Update.objects.get(period=period, initiative__code="AWPEC-13", output__position=2).body.acronym == "SLC"


def test_loading_the_baseline_twice_creates_nothing_new(loaded):
    period, created = loaded
    updates = set(baseline_updates().values_list("pk", "version", "state", "status", "progress", "body_id"))
    progress_rows = MemberStateProgress.objects.filter(update__period=period).count()

    again, created_again = load_baseline(records())

    assert created > 0
    assert created_again == 0
    assert again == period
    assert Period.objects.filter(year=2019, half=2).count() == 1
    assert set(baseline_updates().values_list("pk", "version", "state", "status", "progress", "body_id")) == updates
    assert MemberStateProgress.objects.filter(update__period=period).count() == progress_rows


def test_baseline_progress_is_unknown_unless_the_line_was_completed(loaded):
    updates = list(baseline_updates())

    for update in updates:
        if update.status == "completed":
            assert update.progress == 100
        else:
            assert update.progress is None
    assert {u.initiative.code for u in updates if u.status == "completed"} >= {"AWPEC-1.2", "AWPEC-4", "AWPEC-15.1"}
    assert any(u.progress is None for u in updates)


def test_the_baseline_has_no_author_reviewer_or_late_flag(loaded):
    for update in baseline_updates():
        assert (update.author, update.reviewer, update.late, update.on_behalf) == (None, None, False, False)


def test_the_baseline_becomes_the_current_status_of_a_line_nobody_has_reported_on_since():
    Initiative.objects.filter(code="AWPEC-1.3").update(status="not_started")

    load_baseline(records())

    assert line("AWPEC-1.3").status == "in_progress"
    assert line("AWPEC-1.2").status == "completed"


def test_the_baseline_does_not_override_a_later_accepted_update(secretariat, telsom, reviewer):
    period = period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))
    update = update_create(
        user=telsom,
        period=period,
        initiative=line("AWPEC-1.1"),
        body=telsom.body,
        values={
            "status": "delayed",
            "progress": 20,
            "narrative": "Study postponed.",
            "reason": "awaiting_funding",
            "reason_explanation": "Dialogue partner funding not confirmed.",
        },
        submit=True,
    )
    update_accept(user=reviewer, update=update, version=update.version)

    load_baseline(records())

    assert line("AWPEC-1.1").status == "delayed"


def test_the_baseline_period_takes_no_filings(loaded, telsom):
    period, _ = loaded

    with pytest.raises(ValidationError, match="2019-H2 is reviewed: it takes no filings."):
        update_create(
            user=telsom,
            period=period,
            initiative=line("AWPEC-1.3"),
            body=telsom.body,
            values={"status": "in_progress", "progress": 10, "narrative": "Late 2019 news."},
        )

    assert not Update.objects.filter(period=period, baseline=False).exists()


def test_the_baseline_period_is_reviewed_even_if_someone_created_2019_h2_before(secretariat):
    period_create(user=secretariat, year=2019, half=2)

    period, created = load_baseline(records())

    assert created == ImplementationRecord.objects.count()
    assert Period.objects.get(pk=period.pk).state == Period.State.REVIEWED
