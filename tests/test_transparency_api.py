"""The API of negotiations in the open: anyone reads the public parts; the Secretariat writes through the services."""

import pytest
from rest_framework.test import APIClient

from transparency.models import Document

from .transparency import defa

pytestmark = pytest.mark.django_db


@pytest.fixture
def mandate():
    return defa().documents.get(kind=Document.Kind.MANDATE)


def test_anyone_reads_the_register_with_filters(client, mandate):
    body = client.get("/api/v1/register/?negotiation=DEFA&kind=mandate").json()
    assert [entry["title"] for entry in body["results"]] == [mandate.title]
    assert body["results"][0]["disclosure"] == "requested" and body["results"][0]["requested_on"] == "2025-10-24"
    assert client.get("/api/v1/register/?disclosure=secret").status_code == 400


def test_anonymous_and_other_roles_cannot_decide(mandate, telsom):
    anonymous = APIClient().post(f"/api/v1/register/{mandate.pk}/decide/", {"to_state": "public", "explanation": "x"})
    assert anonymous.status_code in (401, 403)
    reporter = APIClient()
    reporter.force_authenticate(telsom)
    refused = reporter.post(f"/api/v1/register/{mandate.pk}/decide/", {"to_state": "public", "explanation": "x"})
    assert refused.status_code == 403
    mandate.refresh_from_db()
    assert mandate.disclosure == "requested"


def test_the_secretariat_decides_through_the_api_and_the_log_is_public(api_client, mandate, client):
    refused = api_client.post(f"/api/v1/register/{mandate.pk}/decide/", {"to_state": "restricted", "explanation": "x"})
    assert refused.status_code == 400 and "reason" in refused.json()
    answer = api_client.post(
        f"/api/v1/register/{mandate.pk}/decide/", {"to_state": "public", "explanation": "Adopted text released."}
    )
    assert answer.status_code == 200 and answer.json()["disclosure"] == "public"
    again = api_client.post(f"/api/v1/register/{mandate.pk}/decide/", {"to_state": "public", "explanation": "x"})
    assert again.status_code == 409
    version = api_client.post(
        f"/api/v1/register/{mandate.pk}/versions/", {"text": "The mandate [text].", "publish": True}, format="json"
    )
    assert version.status_code == 201 and version.json()["number"] == 1
    public = client.get(f"/api/v1/register/{mandate.pk}/").json()
    assert public["decisions"][0]["explanation"] == "Adopted text released."
    assert "decided_by" not in public["decisions"][0]
    assert [v["text"] for v in public["versions"]] == ["The mandate [text]."]


def test_the_endpoints_are_in_the_openapi_schema_and_public_reads_need_no_login(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in [
        "/api/v1/negotiations/",
        "/api/v1/register/",
        "/api/v1/register/{id}/decide/",
        "/api/v1/register/{id}/versions/",
        "/api/v1/consultations/",
        "/api/v1/consultations/{id}/responses/",
        "/api/v1/disclosure-requests/",
        "/api/v1/disclosure-requests/{id}/answer/",
        "/api/v1/consultation-responses/{id}/moderate/",
    ]:
        assert path in schema["paths"], path
    assert schema["paths"]["/api/v1/register/"]["get"]["security"] == [{}]
