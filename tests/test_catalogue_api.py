"""The read-only catalogue API under /api/v1/."""

import pytest
from rest_framework.test import APIClient

from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db


def all_results(api, url):
    response = api.get(url + ("&" if "?" in url else "?") + "page_size=500")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_anonymous_callers_read_but_never_write():
    """The catalogue is open data (issue 11): anyone reads it; changing it still needs a login."""
    for url in ["/api/v1/initiatives/", "/api/v1/programmes/", "/api/v1/bodies/", "/api/v1/member-states/"]:
        assert APIClient().get(url).status_code == 200
        response = APIClient().post(url, {}, format="json")
        assert response.status_code == 401
        assert "detail" in response.json()


def test_any_authenticated_user_can_read(client, telsom):
    client.force_login(telsom)
    assert client.get("/api/v1/initiatives/").status_code == 200


def test_an_initiative_carries_its_numbers_in_both_plans(api_client):
    competition = Initiative.objects.get(code="AWPEC-16")
    data = api_client.get(f"/api/v1/initiatives/{competition.pk}/").json()
    assert data["code"] == "AWPEC-16"
    assert data["outcome"]["numbers"] == {"AWPEC": "14", "DIFAP": "16"}
    assert [p["code"] for p in data["programmes"]] == ["AWPEC", "DIFAP"]
    assert data["programmes"][1]["quoted"] is True
    assert data["bodies"] == ["AEGC"]
    assert data["timeline"] == "2020" and data["target_year"] == 2020
    assert data["status"] == "in_progress"  # from its accepted 2019 baseline
    assert [o["position"] for o in data["outputs"]] == [1, 2]
    assert data["source"] == {"programme": "AWPEC", "document": "awpec-2017-2025.txt", "number": ""}
    assert data["area"]["code"].startswith("AWPEC-")


def test_lead_body_comes_first_and_consulted_bodies_are_marked(api_client):
    payments = Initiative.objects.get(code="AWPEC-14.1")
    data = api_client.get(f"/api/v1/initiatives/{payments.pk}/").json()
    assert data["bodies"] == ["ACCEC", "WC-PSS"]
    assert data["body_roles"] == [
        {"acronym": "ACCEC", "role": "lead"},
        {"acronym": "WC-PSS", "role": "consulted"},
    ]
    assert data["programmes"][0] == {
        "code": "AWPEC",
        "number": "14.1",
        "area": None,
        "title": data["programmes"][1]["title"],
        "quoted": True,
        "timeline": "",
        "bodies": "",
    }
    assert data["source"]["document"] == "difap-2019-2025.txt"


def test_programme_filter_lists_an_incorporated_line_under_both_and_once_unfiltered(api_client):
    def codes(**params):
        return [
            row["code"]
            for row in all_results(
                api_client, "/api/v1/initiatives/?" + "&".join(f"{k}={v}" for k, v in params.items())
            )
        ]

    unfiltered = codes()
    assert unfiltered.count("AWPEC-1.2") == 1
    assert len(unfiltered) == len(set(unfiltered)) == Initiative.objects.count()
    assert "AWPEC-1.2" in codes(programme="AWPEC")
    assert "AWPEC-1.2" in codes(programme="DIFAP")


def test_filters_as_on_the_page(api_client):
    rows = all_results(api_client, "/api/v1/initiatives/?status=completed")
    assert {r["code"] for r in rows} == {
        *("AWPEC-1.2", "AWPEC-4", "AWPEC-15.1", "AWPEC-15.3"),  # "Completed" in the TIMELINE column
        *("DIFAP-1.3.2", "AWPEC-18", "DIFAP-6.1", "DIFAP-6.2"),  # completed as the 2019 text states
    }
    rows = all_results(api_client, "/api/v1/initiatives/?overdue=true&body=ACCP")
    assert rows and all(r["overdue"] and "ACCP" in r["bodies"] for r in rows)
    rows = all_results(api_client, "/api/v1/initiatives/?target_year=2021&search=MSMEs")
    assert rows and all(r["target_year"] == 2021 for r in rows)


def test_an_unknown_code_in_a_filter_is_a_404_with_the_field_named(api_client):
    response = api_client.get("/api/v1/initiatives/?programme=NOPE")
    assert response.status_code == 404
    assert "programme" in response.json()


def test_page_size_is_capped_at_500(api_client):
    response = api_client.get("/api/v1/initiatives/", {"page_size": 2})
    body = response.json()
    assert len(body["results"]) == 2 and body["count"] == Initiative.objects.count() and body["next"]
    assert len(all_results(api_client, "/api/v1/initiatives/")) == Initiative.objects.count()
    too_many = api_client.get("/api/v1/initiatives/", {"page_size": 501})
    assert too_many.status_code == 400
    assert too_many.json() == {"page_size": ["A whole number from 1 to 500."]}


def test_reference_lists(api_client):
    assert [m["code"] for m in all_results(api_client, "/api/v1/member-states/")] == [
        "BN",
        "KH",
        "ID",
        "LA",
        "MY",
        "MM",
        "PH",
        "SG",
        "TH",
        "VN",
    ]
    bodies = {b["acronym"]: b for b in all_results(api_client, "/api/v1/bodies/")}
    assert bodies["ASEAN-BAC"]["kind"] == "business_council"
    programmes = all_results(api_client, "/api/v1/programmes/")
    assert [p["code"] for p in programmes] == ["AWPEC", "DIFAP"]


def test_the_schema_is_served_and_describes_the_catalogue(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/initiatives/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/initiatives/"]["get"]["parameters"]}
    assert {"programme", "area", "body", "status", "target_year", "overdue", "search", "page_size"} <= params
