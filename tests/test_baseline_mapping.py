"""The 2019 baseline as DIFAP's text states it: reviewed statuses with their sentences, dates with their precision,
outputs the text speaks of, per-Member-State facts, and the deliverables printed twice."""

from datetime import date

import pytest
import yaml
from django.core.exceptions import ValidationError

from difap.loading import load_implementation
from difap.models import ImplementationRecord
from reporting.models import Period, Update
from reporting.services import (
    expected_lines,
    load_baseline,
    period_create,
    period_open,
    update_accept,
    update_create,
)
from tests.helpers import body, line
from workprogramme.loading import FIXTURES, CatalogueError
from workprogramme.models import Output, Programme

pytestmark = pytest.mark.django_db


def records():
    return ImplementationRecord.objects.select_related("initiative", "output")


def baseline(code, output=None):
    return Update.objects.get(period__code="2019-H2", initiative__code=code, output__position=output, baseline=True)


def record(code):
    return ImplementationRecord.objects.get(initiative__code=code, output=None)


def member_states(update):
    return {p.member_state.code: p.status for p in update.member_state_progress.select_related("member_state")}


# Statuses -------------------------------------------------------------------------------------------------------


def test_protocol_7_ratified_by_all_is_completed_for_the_line_and_every_member_state():
    update = baseline("DIFAP-1.3.2")

    assert (update.status, update.progress, update.as_of) == ("completed", 100, date(2019, 2, 19))
    assert line("DIFAP-1.3.2").status == "completed"
    assert member_states(update) == {code: "completed" for code in member_states(update)}
    assert len(member_states(update)) == 10
    assert record("DIFAP-1.3.2").basis == "All AMS have ratified Protocol 7 as of 19 February 2019."


def test_lines_whose_text_says_signed_adopted_endorsed_or_revised_have_the_status_the_text_supports():
    expected = {
        "AWPEC-18": ("completed", date(2018, 11, 12)),  # signed, as its output asks
        "AWPEC-1.2": ("completed", date(2017, 11, 30)),  # adopted
        "AWPEC-4": ("completed", date(2017, 9, 7)),  # endorsed
        "DIFAP-6.2": ("completed", None),  # ACCEC's Terms of Reference "reviewed and revised" (paragraph 6)
        "DIFAP-6.1": ("completed", date(2019, 9, 1)),  # the plan itself, adopted September 2019
        "DIFAP-1.4": ("in_progress", None),  # signed by all, ratification under way: the output asks "ratified"
        "DIFAP-1.2": ("in_progress", None),  # protocol signed by all, implementation being prepared
        "AWPEC-11": ("in_progress", date(2018, 12, 1)),  # endorsed, "will be continued in 2019"
    }

    assert {code: (baseline(code).status, baseline(code).as_of) for code in expected} == expected
    assert {code: line(code).status for code in expected} == {code: s for code, (s, _) in expected.items()}


def test_every_status_rests_on_a_sentence_of_the_text():
    for item in records():
        assert item.basis and item.basis in item.text, item.initiative.code
        for said in item.outputs.values():
            assert said["basis"] in item.text, item.initiative.code
    assert record("AWPEC-18").basis.startswith("The Agreement was endorsed at the 50th AEM Meeting and signed")


def test_records_stating_only_plans_are_planned_and_not_started():
    planned = {r.initiative.code for r in records() if r.planned}

    assert planned == {"AWPEC-1.1", "DIFAP-1.8", "DIFAP-2.1", "AWPEC-5"}
    for code in planned:
        assert baseline(code).status == "not_started"
        assert line(code).status == "not_started"
    assert record("AWPEC-5").basis == "Preparation to develop the code will begin in late 2018."


def test_a_planned_event_is_kept_apart_from_what_was_done():
    ipr = record("AWPEC-2.2")  # a 2019 meeting held; "will be held on 9 - 13 July 2018"
    usp = record("AWPEC-1.3")  # the draft discussed 25-26 July 2019; endorsement planned for 22-23 August 2019

    assert (ipr.as_of, ipr.planned_on) == (date(2019, 4, 26), date(2018, 7, 9))
    assert (usp.status, usp.as_of, usp.planned_on) == ("in_progress", date(2019, 7, 26), date(2019, 8, 22))
    assert baseline("AWPEC-1.3").as_of == date(2019, 7, 26)


# Dates and their precision ----------------------------------------------------------------------------------------


def test_the_records_carry_the_dates_their_text_gives():
    items = list(records())

    # Was 5 of 39: 25 of the 41 now have the date of what was done, 6 more only the date of what was planned, and
    # the 10 left state no date at all.
    assert len(items) == 41
    assert sum(1 for r in items if r.as_of) == 25
    assert sorted(r.initiative.code for r in items if r.planned_on and not r.as_of) == [
        "AWPEC-14.1",
        "AWPEC-14.2",
        "AWPEC-17",
        "AWPEC-5",
        "DIFAP-1.2",
        "DIFAP-1.4",
    ]
    assert sorted(r.initiative.code for r in items if not r.as_of and not r.planned_on) == [
        "AWPEC-1.1",
        "AWPEC-12",
        "AWPEC-15.2",
        "AWPEC-2.1",
        "AWPEC-8.1",
        "AWPEC-8.3",
        "DIFAP-1.8",
        "DIFAP-2.1",
        "DIFAP-3.1",
        "DIFAP-6.2",
    ]
    assert {r.as_of for r in items if r.initiative.code in ("DIFAP-1.3.1", "AWPEC-15.1", "AWPEC-13")} == {
        date(2019, 8, 13),
        date(2018, 10, 25),
        date(2018, 12, 1),
        date(2018, 10, 18),
    }


def test_a_date_known_to_the_month_says_so_and_is_shown_as_the_month(client):
    governance = record("AWPEC-11")

    assert (governance.as_of, governance.as_of_precision, governance.as_of_display) == (
        date(2018, 12, 1),
        "month",
        "December 2018",
    )
    assert baseline("AWPEC-11").as_of_precision == "month"
    page = client.get("/initiatives/AWPEC-11/").content.decode()
    assert "as of December 2018" in page
    assert "1 December 2018" not in page
    assert "as of 19 February 2019" in client.get("/initiatives/DIFAP-1.3.2/").content.decode()
    assert record("AWPEC-8.4").as_of_display == "2017"


def test_difaps_adoption_and_endorsement_are_known_to_the_month(client):
    difap = Programme.objects.get(code="DIFAP")

    assert (difap.adopted_on_precision, difap.endorsed_on_precision) == ("month", "month")
    assert (difap.adopted_on_display, difap.endorsed_on_display) == ("September 2019", "October 2019")
    assert Programme.objects.get(code="AWPEC").adopted_on_display == "7 September 2017"
    page = client.get("/programmes/DIFAP/").content.decode()
    assert "September 2019" in page and "1 September 2019" not in page


def test_the_public_api_says_how_precise_a_baseline_date_is(client):
    response = client.get("/api/v1/public/updates/?initiative=AWPEC-11")
    rows = [row for row in response.json()["results"] if row["initiative"] == "AWPEC-11" and row["baseline"]]

    assert rows and rows[0]["as_of"] == "2018-12-01" and rows[0]["as_of_precision"] == "month"


# Outputs ----------------------------------------------------------------------------------------------------------


def test_an_output_follows_the_text_where_it_speaks_of_it_and_is_not_reported_otherwise(client):
    competition = {o.position: o for o in line("AWPEC-16").outputs.all()}

    assert competition[2].status == "in_progress"  # workshops held: "Training programmes ... developed"
    assert competition[1].status == ""  # the assessment framework: the text says nothing of it
    assert competition[1].status_label == "Not reported"
    assert line("AWPEC-18").outputs.get().status == "completed"
    assert line("DIFAP-1.1").outputs.get().status_label == "Not reported"  # a blank IMPLEMENTATION cell
    page = client.get("/initiatives/AWPEC-16/").content.decode()
    assert "Not reported" in page
    assert "Not started" not in page


# Per Member State -------------------------------------------------------------------------------------------------


def test_lead_member_states_stated_in_the_text_are_named_on_their_lines(client):
    leads = {code: {m.code for m in line(code).member_states.all()} for code in ["AWPEC-2.1", "AWPEC-9", "AWPEC-10"]}

    assert leads == {"AWPEC-2.1": {"VN"}, "AWPEC-9": {"PH"}, "AWPEC-10": {"TH"}}
    assert {m.code for m in line("AWPEC-16").member_states.all()} == {"SG"}
    assert {m.code for m in line("DIFAP-1.8").member_states.all()} == {"SG"}
    assert "AWPEC-2.1" in client.get("/member-states/VN/").content.decode()


def test_lines_whose_text_speaks_per_member_state_are_tracked_per_member_state():
    for code in ["AWPEC-1.1", "AWPEC-10", "AWPEC-15.2", "AWPEC-8.4"]:
        assert line(code).per_member_state, code
    assert member_states(baseline("AWPEC-10")) == {"TH": "completed"}
    attended = member_states(baseline("AWPEC-8.4"))
    assert len(attended) == 10 and set(attended.values()) == {"in_progress"}
    assert member_states(baseline("DIFAP-1.3.1"))["PH"] == "in_progress"  # not among the six that ratified


# Deliverables printed twice ---------------------------------------------------------------------------------------


def test_difap_2_1_outputs_a_and_b_are_the_deliverables_of_difap_2_2_and_2_3(client):
    outputs = {o.position: o for o in line("DIFAP-2.1").outputs.select_related("delivered_by")}

    assert outputs[2].delivered_by.code == "DIFAP-2.2"
    assert outputs[3].delivered_by.code == "DIFAP-2.3"
    assert outputs[4].delivered_by is None
    here = client.get("/initiatives/DIFAP-2.1/").content.decode()
    there = client.get("/initiatives/DIFAP-2.2/").content.decode()
    assert 'href="/initiatives/DIFAP-2.2/"' in here and "reported there, once for both" in here
    assert 'href="/initiatives/DIFAP-2.1/"' in there and "reported here once for both" in there


@pytest.fixture
def open_period(secretariat):
    Period.objects.filter(state=Period.State.OPEN).update(state=Period.State.CLOSED)
    return period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))


def test_one_accepted_report_on_difap_2_2_serves_difap_2_1s_output_too(open_period, telsom, reviewer):
    update = update_create(
        user=telsom,
        period=open_period,
        initiative=line("DIFAP-2.2"),
        body=telsom.body,
        values={"status": "in_progress", "progress": 40, "narrative": "Framework drafted."},
        submit=True,
    )
    update_accept(user=reviewer, update=update, version=update.version)

    assert Output.objects.get(initiative__code="DIFAP-2.1", position=2).status == "in_progress"
    assert Output.objects.get(initiative__code="DIFAP-2.1", position=3).status == "not_started"  # DIFAP-2.3's
    load_baseline(records())  # the 2019 "proposed" does not undo what was reported since
    assert Output.objects.get(initiative__code="DIFAP-2.1", position=2).status == "in_progress"


def test_a_shared_output_cannot_be_reported_a_second_time_on_the_line_that_prints_it(open_period, telsom):
    shared = Output.objects.get(initiative__code="DIFAP-2.1", position=2)

    with pytest.raises(ValidationError, match="Report this output on DIFAP-2.2"):
        update_create(
            user=telsom,
            period=open_period,
            initiative=line("DIFAP-2.1"),
            output=shared,
            body=telsom.body,
            values={"status": "in_progress", "progress": 40, "narrative": "Twice."},
        )
    assert not Update.objects.filter(output=shared).exists()


def test_the_expected_reports_never_ask_for_a_shared_output_on_its_own(open_period):
    # Held by a body other than the line's lead, an output is asked of that body, unless another line delivers it.
    accsq = body("ACCSQ")
    for position in (2, 4):
        Output.objects.get(initiative__code="DIFAP-2.1", position=position).bodies.set([accsq])

    asked = {(i.code, o.position) for i, o, _, _ in expected_lines(open_period) if o is not None}

    assert ("DIFAP-2.1", 4) in asked
    assert ("DIFAP-2.1", 2) not in asked
    assert ("DIFAP-2.2", None) not in asked
    assert any(i.code == "DIFAP-2.2" and o is None for i, o, _, _ in expected_lines(open_period))


# Loading --------------------------------------------------------------------------------------------------------


def test_a_baseline_loaded_before_the_review_is_corrected_once_and_then_left_alone():
    update = baseline("DIFAP-1.3.2")
    # As the unreviewed loader left it: "in progress" from the TIMELINE cell, no date precision, no per-AMS change.
    Update.objects.filter(pk=update.pk).update(status="in_progress", progress=None)
    line("DIFAP-1.3.2").__class__.objects.filter(code="DIFAP-1.3.2").update(status="in_progress")
    history = update.history.count()

    period, created = load_baseline(records())
    corrected = baseline("DIFAP-1.3.2")

    assert created == 0
    assert (corrected.status, corrected.progress, corrected.version) == ("completed", 100, update.version + 1)
    assert line("DIFAP-1.3.2").status == "completed"
    assert corrected.history.count() == history + 1
    assert corrected.history.first().history_change_reason == "Corrected from DIFAP's text (reviewed baseline mapping)"

    versions = set(Update.objects.filter(period=period).values_list("pk", "version", "status"))
    histories = (Update.history.count(), Output.history.count(), line("AWPEC-1.1").history.count())
    load_baseline(records())
    load_implementation()
    assert set(Update.objects.filter(period=period).values_list("pk", "version", "status")) == versions
    assert (Update.history.count(), Output.history.count(), line("AWPEC-1.1").history.count()) == histories


def write_fixture(tmp_path, change):
    entries = yaml.safe_load((FIXTURES / "difap-2019-implementation.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in entries if e["initiative"] == "DIFAP-1.3.2")
    change(entry)
    path = tmp_path / "implementation.yaml"
    path.write_text(yaml.safe_dump([entry], allow_unicode=True), encoding="utf-8")
    return path


def test_the_loader_refuses_a_status_without_its_sentence_in_the_text(tmp_path):
    path = write_fixture(tmp_path, lambda e: e.update(basis="All AMS have ratified Protocol 7 by 2018."))

    with pytest.raises(CatalogueError, match="the basis must be a sentence of the text"):
        load_implementation(path=path)
    assert record("DIFAP-1.3.2").status == "completed"


def test_the_loader_refuses_a_month_stored_as_any_day_but_the_first(tmp_path):
    path = write_fixture(tmp_path, lambda e: e.update(as_of_precision="month"))

    with pytest.raises(CatalogueError, match="a date known to the month is stored as its first day"):
        load_implementation(path=path)


def test_the_loader_refuses_a_planned_record_marked_as_done(tmp_path):
    path = write_fixture(tmp_path, lambda e: e.update(planned=True))

    with pytest.raises(CatalogueError, match="a record stating only plans cannot be completed"):
        load_implementation(path=path)


def test_the_catalogue_api_says_how_precise_difaps_dates_are(client):
    difap = next(p for p in client.get("/api/v1/programmes/").json()["results"] if p["code"] == "DIFAP")

    assert (difap["adopted_on"], difap["adopted_on_precision"]) == ("2019-09-01", "month")
    assert (difap["endorsed_on"], difap["endorsed_on_precision"]) == ("2019-10-01", "month")
