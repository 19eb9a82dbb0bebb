"""The catalogue holds every line of both documents exactly once, and handles each trap of DOMAIN.md."""

import pytest

from difap.models import ImplementationRecord
from workprogramme.models import (
    Area,
    Body,
    Initiative,
    InitiativeListing,
    MemberState,
    Outcome,
    OutcomeListing,
    Programme,
)

pytestmark = pytest.mark.django_db


def listing(code, programme):
    return InitiativeListing.objects.get(initiative__code=code, programme__code=programme)


def test_counts_match_the_documents():
    awpec, difap = Programme.objects.get(code="AWPEC"), Programme.objects.get(code="DIFAP")
    assert MemberState.objects.count() == 10
    assert awpec.areas.filter(kind=Area.Kind.ELEMENT).count() == 8
    assert difap.areas.filter(kind=Area.Kind.PRIORITY_AREA).count() == 6
    assert OutcomeListing.objects.filter(programme=awpec).count() == 16
    assert OutcomeListing.objects.filter(programme=difap).count() == 18
    assert Outcome.objects.count() == 18
    assert InitiativeListing.objects.filter(programme=awpec).count() == 25
    assert Initiative.objects.filter(programme=awpec).count() == 30
    assert Initiative.objects.filter(programme=difap).count() == 26
    assert InitiativeListing.objects.filter(programme=difap).count() == 56
    assert Initiative.objects.count() == 56


def test_programmes_carry_their_adoption():
    awpec = Programme.objects.get(code="AWPEC")
    assert str(awpec.adopted_on) == "2017-09-07"
    assert "Pasay City" in awpec.adopted_at
    difap = Programme.objects.get(code="DIFAP")
    assert "51st AEM" in difap.adopted_by
    assert "18th AEC Council" in difap.endorsed_by
    assert (difap.start_year, difap.end_year) == (2019, 2025)


# Trap 1: two numberings of AWPEC.
def test_competition_outcome_is_held_once_with_both_numbers():
    competition = Outcome.objects.get(title__icontains="level playing field")
    numbers = {lst.programme.code: lst.number for lst in competition.listings.all()}
    assert numbers == {"AWPEC": "14", "DIFAP": "16"}
    logistics = Outcome.objects.get(title__icontains="logistics")
    assert {lst.programme.code: lst.number for lst in logistics.listings.all()} == {
        "AWPEC": "15",
        "DIFAP": "17",
    }


def test_payments_and_trade_facilitation_outcomes_exist_only_in_difaps_quotation():
    for code, number in [("AWPEC-O14", "14"), ("AWPEC-O15", "15")]:
        outcome = Outcome.objects.get(code=code)
        assert outcome.programme.code == "AWPEC"
        assert outcome.source.code == "DIFAP"
        assert [(lst.programme.code, lst.number) for lst in outcome.listings.all()] == [("DIFAP", number)]
    assert Initiative.objects.filter(outcome__code="AWPEC-O15").count() == 3
    assert Initiative.objects.filter(outcome__code="AWPEC-O14").count() == 2
    assert not InitiativeListing.objects.filter(initiative__code="AWPEC-14.1", programme__code="AWPEC").exists()


# Trap 2: DIFAP incorporates AWPEC; the quoted initiative is the same row.
def test_an_awpec_initiative_quoted_in_difap_is_one_row_listed_in_both_plans():
    roaming = Initiative.objects.get(code="AWPEC-1.2")
    assert {lst.programme.code for lst in roaming.listings.all()} == {"AWPEC", "DIFAP"}
    assert Initiative.objects.filter(title__icontains="international mobile roaming").count() == 1
    difap_listing = listing("AWPEC-1.2", "DIFAP")
    assert difap_listing.area.parent.code == "DIFAP-PA1"
    assert difap_listing.timeline_as_printed == "Completed"
    assert listing("AWPEC-1.2", "AWPEC").timeline_as_printed == ""


def test_each_plan_keeps_its_own_wording():
    cyber = Initiative.objects.get(code="AWPEC-13")
    outcome_titles = {lst.programme.code: lst.title for lst in cyber.outcome.listings.all()}
    assert outcome_titles["AWPEC"] == "International Cooperation amongst Cyber Security Agencies"
    assert outcome_titles["DIFAP"].startswith("Strengthening International Cooperation")
    uso = Initiative.objects.get(code="AWPEC-1.3")
    assert "telecenter" in listing("AWPEC-1.3", "AWPEC").outputs_as_printed
    assert "USO 2.0" in listing("AWPEC-1.3", "DIFAP").outputs_as_printed
    assert "USO 2.0" in uso.outputs.get().title  # DIFAP, the later document, gives the current wording


# Trap 3: rows broken across pages are joined, not phantom initiatives.
def test_continuation_rows_are_joined_into_their_line():
    assert not Initiative.objects.filter(title="").exists()
    aeo_mra = Initiative.objects.get(title__icontains="AEO-MRA")
    assert "pathfinder basis" in aeo_mra.outputs.get().title
    data = Initiative.objects.get(title__icontains="Harmonise domestic data protection policies")
    assert "best practices of the advanced economies" in data.title
    assert data.outputs.count() == 5  # "Harmonisation ... achieved" and (a)-(d)
    assert [b.acronym for b in data.outputs.get(position=2).bodies.all()] == ["ACCSQ", "TELSOM"]
    workplan = Initiative.objects.get(code="AWPEC-14.2")
    assert workplan.outputs.get().title.endswith("with the corresponding roadmap")
    crisp = Initiative.objects.get(code="AWPEC-13").outputs.get(position=2)
    assert "CRISP" in crisp.title
    assert [b.acronym for b in crisp.bodies.all()] == ["SLC"]
    assert not Initiative.objects.filter(title__icontains="Policy Paper for Cybersecurity").exists()


# Trap 4: the TIMELINE column mixes kinds.
@pytest.mark.parametrize(
    ("code", "timeline", "kind", "target_year"),
    [
        ("AWPEC-1.1", "Ongoing", "ongoing", None),
        ("AWPEC-3.2", "On going", "ongoing", None),
        ("AWPEC-8.1", "2018", "year", 2018),
        ("AWPEC-4", "Completed", "none", None),
    ],
)
def test_timelines_keep_their_kind(code, timeline, kind, target_year):
    initiative = Initiative.objects.get(code=code)
    assert (initiative.timeline, initiative.timeline_kind, initiative.target_year) == (
        timeline,
        kind,
        target_year,
    )


def test_biannual_review_and_several_years_for_several_outputs():
    review = Initiative.objects.get(title__startswith="Review and update elements or initiatives")
    assert (review.timeline, review.timeline_kind, review.target_year) == ("Biannual", "recurring", None)
    assert review.outputs.count() == 0
    msmes = Initiative.objects.get(title__startswith="Digitalisation of ASEAN MSMEs")
    assert msmes.timeline_kind == "years"
    assert [(o.target_year, o.timeline_kind) for o in msmes.outputs.all()] == [
        (2019, "years"),
        (2020, "year"),
    ]


def test_completed_in_the_timeline_is_a_status_not_a_date():
    completed = Initiative.objects.filter(timeline="Completed")
    assert set(completed.values_list("code", flat=True)) == {
        "AWPEC-1.2",
        "AWPEC-4",
        "AWPEC-15.1",
        "AWPEC-15.3",
    }
    assert all(i.status == Initiative.Status.COMPLETED and i.target_year is None for i in completed)


def test_awpec_lines_take_their_timeline_from_difap_because_awpec_prints_none():
    assert not InitiativeListing.objects.filter(programme__code="AWPEC").exclude(timeline_as_printed="").exists()
    assert not Initiative.objects.filter(programme__code="AWPEC", timeline="").exists()


# Trap 5: IMPLEMENTING BODIES is not always a body.
def test_tbc_and_all_relevant_are_not_fake_bodies():
    assert not Body.objects.filter(acronym__in=["TBC", "All relevant sectoral bodies"]).exists()
    ids = Initiative.objects.get(title__icontains="digital identities")
    assert ids.assignment == Initiative.Assignment.TO_BE_CONFIRMED
    assert ids.bodies.count() == 0
    skills = Initiative.objects.get(code="AWPEC-3.1")
    assert skills.assignment == Initiative.Assignment.ALL_RELEVANT
    assert skills.bodies.count() == 0


def test_lead_and_consulted_bodies_are_told_apart():
    payments = Initiative.objects.get(code="AWPEC-14.1")
    roles = [(r.body.acronym, r.role) for r in payments.responsibilities.all()]
    assert roles == [("ACCEC", "lead"), ("WC-PSS", "consulted")]


def test_bodies_printed_without_separator_are_split():
    human_capital = Initiative.objects.get(title__icontains="Fourth Industrial Revolution (4IR)")
    assert [b.acronym for b in human_capital.ordered_bodies()] == ["SEOM", "ASEAN-BAC"]
    assert human_capital.bodies_as_printed == "SEOM ASEAN-BAC"
    asw = Initiative.objects.get(title__icontains="ASEAN Single Window")
    assert [b.acronym for b in asw.ordered_bodies()] == ["ASWSC", "TWG"]
    assert "Working Group on Technical Matters" in Body.objects.get(acronym="TWG").name
    legal = Initiative.objects.get(code="AWPEC-9")
    assert listing("AWPEC-9", "AWPEC").bodies_as_printed == "ACCPACCEC"
    assert [b.acronym for b in legal.ordered_bodies()] == ["ACCP", "ACCEC"]


# Trap 6: one initiative, several outputs; parents with sub-items.
def test_one_initiative_several_outputs_and_nested_sub_items():
    competition = Initiative.objects.get(code="AWPEC-16")
    assert competition.outputs.count() == 2
    afafgit = Initiative.objects.get(title__startswith="AFAFGIT")
    children = list(afafgit.children.order_by("code"))
    assert [c.title for c in children] == ["Protocol 2", "Protocol 7"]
    assert all(c.per_member_state and c.target_year == 2019 for c in children)
    assert afafgit.timeline == ""


# Trap 7: the IMPLEMENTATION column is dated history, not a field of the initiative.
def test_implementation_column_is_kept_as_dated_records():
    protocol_2 = Initiative.objects.get(title="Protocol 2")
    record = ImplementationRecord.objects.get(initiative=protocol_2)
    assert str(record.as_of) == "2019-08-13"
    # The six that ratified, and the four that had not yet (pending, not done): the text names both.
    assert record.member_states == {
        **{code: "completed" for code in ["LA", "MM", "MY", "SG", "TH", "VN"]},
        **{code: "in_progress" for code in ["BN", "ID", "KH", "PH"]},
    }
    roaming = ImplementationRecord.objects.get(initiative__code="AWPEC-1.2")
    assert "17th TELMIN" in roaming.text
    assert not hasattr(Initiative, "implementation")
    crisp = ImplementationRecord.objects.get(initiative__code="AWPEC-13", output__position=2)
    assert "CRISP" in crisp.text


# Trap 8: extraction noise is gone.
def test_no_html_or_page_footers_survive():
    texts = list(Initiative.objects.values_list("title", flat=True))
    texts += list(InitiativeListing.objects.values_list("outputs_as_printed", flat=True))
    texts += list(ImplementationRecord.objects.values_list("text", flat=True))
    for text in texts:
        assert "<" not in text and ">" not in text, text
        assert "Adopted by AEM" not in text, text
        assert "•" not in text, text
        assert "INITIATIVES\tOUTPUTS" not in text


def test_a_sample_of_lines_reads_as_in_the_documents():
    assert listing("AWPEC-2.2", "AWPEC").title == (
        "Develop coordination mechanisms to enhance enforcement of intellectual property rights "
        "in the digital environment"
    )
    assert [b.acronym for b in Initiative.objects.get(code="AWPEC-2.2").ordered_bodies()] == ["AWGIPC"]
    hub = Initiative.objects.get(title__icontains="Digital Service Hub")
    assert (hub.timeline, [b.acronym for b in hub.ordered_bodies()]) == ("2021", ["ACCMSME", "ASEAN-BAC"])
    monitoring = Initiative.objects.get(title__icontains="monitoring and reporting mechanism")
    assert [b.acronym for b in monitoring.ordered_bodies()] == ["ACCEC", "USAID-IGNITE"]
    assert Body.objects.get(acronym="USAID-IGNITE").kind == Body.Kind.PARTNER
    assert listing("AWPEC-7", "AWPEC").initiative.outcome.listings.get(programme__code="AWPEC").title == (
        "Availability of Alternative Dispute Resolution (ADR)/On-line Dispute Resolution (ODR)"
    )
