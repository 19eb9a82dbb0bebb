"""The initiative filters, as a Secretariat officer uses them on the list page (the API shares the FilterSet)."""

from datetime import date

import pytest

from workprogramme.filters import InitiativeFilter
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db


def codes(**params):
    return set(InitiativeFilter(params, queryset=Initiative.objects.all()).qs.values_list("code", flat=True))


def test_programme_filter_includes_incorporated_awpec_lines_in_both_plans():
    awpec, difap = codes(programme="AWPEC"), codes(programme="DIFAP")
    assert "AWPEC-1.1" in awpec and "AWPEC-1.1" in difap
    assert "AWPEC-14.1" in awpec and "AWPEC-14.1" in difap
    assert not any(code.startswith("DIFAP-") for code in awpec)
    assert len(awpec) == 30 and len(difap) == 56


def test_area_filter_covers_a_priority_area_and_its_sub_headings():
    in_pa3 = codes(area="DIFAP-PA3")
    assert in_pa3 == {"AWPEC-14.1", "AWPEC-14.2"} | {c for c in in_pa3 if c.startswith("DIFAP-3.")}
    assert len(in_pa3) == 3
    assert codes(area="DIFAP-PA3-AWPEC") == {"AWPEC-14.1", "AWPEC-14.2"}


def test_area_filter_includes_sub_items_of_a_listed_line():
    afafgit = Initiative.objects.get(title__startswith="AFAFGIT")
    assert {c.code for c in afafgit.children.all()} <= codes(area="DIFAP-PA1")


def test_body_filter_finds_lines_where_the_body_only_holds_one_output():
    slc = codes(body="SLC")
    assert slc == {"AWPEC-13"}
    accsq = codes(body="ACCSQ")
    data = Initiative.objects.get(title__icontains="Harmonise domestic data protection").code
    assert data in accsq


def test_body_filter_includes_consulted_bodies():
    assert {"AWPEC-14.1", "AWPEC-14.2"} <= codes(body="WC-PSS")


def test_member_state_filter_finds_lines_tracked_per_member_state():
    per_ams = set(Initiative.objects.filter(per_member_state=True).values_list("code", flat=True))
    assert per_ams and per_ams <= codes(member_state="VN")


def test_status_and_timeline_year_filters():
    assert codes(status="completed") == {
        *("AWPEC-1.2", "AWPEC-4", "AWPEC-15.1", "AWPEC-15.3"),  # "Completed" in the TIMELINE column
        *("DIFAP-1.3.2", "AWPEC-18", "DIFAP-6.1", "DIFAP-6.2"),  # completed as the 2019 text states
    }
    in_2018 = codes(target_year="2018")
    assert {"AWPEC-8.1", "AWPEC-8.4", "AWPEC-8.5", "AWPEC-10", "AWPEC-12", "AWPEC-17", "AWPEC-18"} <= in_2018
    assert all(Initiative.objects.get(code=c).target_year == 2018 for c in in_2018)


def test_overdue_means_timeline_passed_and_not_completed():
    overdue = codes(overdue="true")
    assert "AWPEC-8.1" in overdue  # 2018, not started
    assert "AWPEC-1.2" not in overdue  # completed
    assert "AWPEC-1.1" not in overdue  # ongoing: no date to pass
    assert overdue.isdisjoint(codes(overdue="false"))
    assert overdue | codes(overdue="false") == codes()
    assert set(Initiative.objects.overdue(on=date(2019, 1, 1)).values_list("code", flat=True)) == {
        c for c in overdue if Initiative.objects.get(code=c).target_year < 2019
    }


def test_discontinued_lines_are_not_overdue():
    Initiative.objects.filter(code="AWPEC-8.1").update(status=Initiative.Status.DISCONTINUED)
    assert "AWPEC-8.1" not in codes(overdue="true")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("roaming", "AWPEC-1.2"),
        ("Protocol 7", None),
        ("AWPEC-14.1", "AWPEC-14.1"),
        ("14.1", "AWPEC-14.1"),
        ("USO 2.0", "AWPEC-1.3"),
        ("ASEAN-BAC", None),
    ],
)
def test_search_finds_lines_by_words_codes_outputs_and_bodies(text, expected):
    found = codes(search=text)
    assert found, f"nothing found for {text!r}"
    if expected:
        assert expected in found


def test_search_for_nonsense_finds_nothing():
    assert codes(search="zebra crossing helicopter") == set()


def test_an_unknown_filter_value_is_a_form_error_not_a_crash():
    filterset = InitiativeFilter({"body": "NOT-A-BODY", "status": "maybe"}, queryset=Initiative.objects.all())
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"body", "status"}
