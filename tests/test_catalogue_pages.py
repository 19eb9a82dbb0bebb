"""The catalogue pages a Secretariat officer browses."""

import pytest

from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db


def test_home_page_is_public_and_lists_both_plans(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "ASEAN Work Programme on Electronic Commerce 2017-2025" in content
    assert "Digital Integration Framework Action Plan" in content


def test_catalogue_pages_are_public_but_setting_a_status_needs_a_login(client):
    assert client.get("/initiatives/").status_code == 200
    response = client.post("/initiatives/AWPEC-1.1/status/", {"status": "completed"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_difap_overview_shows_priority_areas_quoted_outcomes_and_lines(staff_client):
    content = staff_client.get("/programmes/DIFAP/").content.decode()
    assert "Priority area 1" in content and "Priority area 6" in content
    assert "Outcome 16: A level playing field" in content
    assert "Protocol 2" in content
    assert content.count('href="/initiatives/AWPEC-1.2/"') == 1


def test_awpec_overview_uses_awpecs_own_numbers(staff_client):
    content = staff_client.get("/programmes/AWPEC/").content.decode()
    assert "Outcome 14: A level playing field" in content
    assert "Secure, Safe Payment Systems" not in content


def test_unknown_programme_or_initiative_is_404(staff_client):
    assert staff_client.get("/programmes/NOPE/").status_code == 404
    assert staff_client.get("/initiatives/NOPE/").status_code == 404


def test_initiative_detail_shows_both_numbers_provenance_outputs_and_2019_status(staff_client):
    content = staff_client.get("/initiatives/AWPEC-16/").content.decode()
    assert "numbered 14 in AWPEC" in content and "numbered 16 in DIFAP" in content
    assert "awpec-2017-2025.txt" in content and "difap-2019-2025.txt" in content
    assert "Competition assessment framework" in content
    assert "Implementation reported in DIFAP (mid-2019)" in content
    assert "Handbook on E-Commerce and Competition" in content


def test_initiative_detail_shows_history_with_who_and_what(staff_client, secretariat):
    line = Initiative.objects.get(code="AWPEC-8.2")
    line.status = Initiative.Status.IN_PROGRESS
    line._history_user = secretariat
    line.save()
    content = staff_client.get("/initiatives/AWPEC-8.2/").content.decode()
    assert "secretariat" in content
    assert "status: “not_started” → “in_progress”" in content


def test_list_page_filters_and_reports_bad_input(staff_client):
    content = staff_client.get("/initiatives/?body=WC-PSS").content.decode()
    assert "AWPEC-14.1" in content and "AWPEC-1.1" not in content
    response = staff_client.get("/initiatives/?status=maybe")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_list_page_has_labelled_filters(staff_client):
    content = staff_client.get("/initiatives/").content.decode()
    for name in ["search", "programme", "area", "body", "member_state", "status", "target_year", "overdue"]:
        assert f'for="id_{name}"' in content
