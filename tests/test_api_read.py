"""Read endpoints: periods, expected reports, update lists with filters, one update with its ETag; the schema."""

import pytest
from django.core.management import call_command

from reporting import services
from reporting.models import ExpectedReport

from .test_api_base import (
    API,
    PERIOD,
    accp_api,
    accp_draft,
    accp_submitted,
    api_media_root,
    fresh_cache,
    period,
    secretariat_api,
    telsom_api,
    telsom_draft,
)

# pytest finds these fixtures by name in this module.
FIXTURES = (
    accp_api,
    accp_draft,
    accp_submitted,
    api_media_root,
    fresh_cache,
    period,
    secretariat_api,
    telsom_api,
    telsom_draft,
)

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_periods_list_and_detail(telsom_api, period):
    rows = results(telsom_api.get(f"{API}/periods/"))
    by_code = {p["code"]: p for p in rows}
    assert by_code[PERIOD]["state"] == "open"
    assert by_code[PERIOD]["deadline"] == period.deadline.isoformat()
    assert by_code["2019-H2"]["state"] == "reviewed"
    detail = telsom_api.get(f"{API}/periods/{PERIOD}/")
    assert detail.status_code == 200
    assert detail.json()["code"] == PERIOD
    assert {"code", "state", "deadline"} <= set(detail.json())


def test_periods_filter_by_state(telsom_api, period):
    assert [p["code"] for p in results(telsom_api.get(f"{API}/periods/?state=open"))] == [PERIOD]


def test_unknown_period_is_404_with_detail(telsom_api):
    response = telsom_api.get(f"{API}/periods/2099-H1/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_expected_reports_filters(telsom_api, period, telsom_draft):
    owed = results(telsom_api.get(f"{API}/expected-reports/?period={PERIOD}&body=TELSOM"))
    assert owed
    assert {r["body"] for r in owed} == {"TELSOM"}
    assert {r["period"] for r in owed} == {PERIOD}
    assert "AWPEC-1.1" in {r["initiative_code"] for r in owed}
    assert len(owed) == ExpectedReport.objects.filter(period=period, body__acronym="TELSOM").count()
    # a draft is not received
    assert len(results(telsom_api.get(f"{API}/expected-reports/?period={PERIOD}&body=TELSOM&received=false"))) == len(
        owed
    )
    entry = next(r for r in owed if r["initiative_code"] == "AWPEC-1.1")
    assert entry["update"] == {"id": telsom_draft.pk, "state": "draft"}

    services.update_submit(user=telsom_draft.author, update=telsom_draft)
    received = results(telsom_api.get(f"{API}/expected-reports/?period={PERIOD}&body=TELSOM&received=true"))
    assert [r["initiative_code"] for r in received] == ["AWPEC-1.1"]
    assert (
        len(results(telsom_api.get(f"{API}/expected-reports/?period={PERIOD}&body=TELSOM&received=false")))
        == len(owed) - 1
    )
    # the whole catalogue is visible: a body sees what the others owe too
    assert results(telsom_api.get(f"{API}/expected-reports/?period={PERIOD}&body=ACCP"))


def test_expected_reports_unknown_body_is_404(telsom_api, period):
    response = telsom_api.get(f"{API}/expected-reports/?body=NOPE")
    assert response.status_code == 404
    assert "body" in response.json()


def test_updates_list_filters(telsom_api, period, telsom_draft, accp_draft, accp_submitted):
    everything = results(telsom_api.get(f"{API}/updates/?period={PERIOD}"))
    assert {u["id"] for u in everything} == {telsom_draft.pk, accp_draft.pk, accp_submitted.pk}
    assert [u["id"] for u in results(telsom_api.get(f"{API}/updates/?body=TELSOM&period={PERIOD}"))] == [
        telsom_draft.pk
    ]
    assert [u["id"] for u in results(telsom_api.get(f"{API}/updates/?initiative=AWPEC-8.1&period={PERIOD}"))] == [
        accp_draft.pk
    ]
    assert [u["id"] for u in results(telsom_api.get(f"{API}/updates/?state=submitted&period={PERIOD}"))] == [
        accp_submitted.pk
    ]
    assert {u["id"] for u in results(telsom_api.get(f"{API}/updates/?status=in_progress&period={PERIOD}"))} == {
        telsom_draft.pk,
        accp_draft.pk,
        accp_submitted.pk,
    }
    assert results(telsom_api.get(f"{API}/updates/?status=completed&period={PERIOD}")) == []
    # the baseline is in the history too
    assert results(telsom_api.get(f"{API}/updates/?period=2019-H2&initiative=AWPEC-1.1"))


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("status=sleeping", 400),  # not one of the schema's choices
        ("state=lost", 400),
        ("period=2099-H3", 400),  # not a period code
        ("period=2099-H1", 404),  # a period code, of no period: not found (issue 17)
        ("body=NOPE", 404),
        ("initiative=AWPEC-999", 404),
    ],
)
def test_updates_list_bad_filter_is_refused_naming_it(telsom_api, period, query, code):
    response = telsom_api.get(f"{API}/updates/?{query}")
    assert response.status_code == code
    assert query.split("=")[0] in response.json()


def test_retrieve_has_etag_of_version(telsom_api, telsom_draft):
    response = telsom_api.get(f"{API}/updates/{telsom_draft.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{telsom_draft.version}"'
    body = response.json()
    assert body["version"] == telsom_draft.version
    assert body["initiative_code"] == "AWPEC-1.1"
    assert body["body"] == "TELSOM"
    assert body["state"] == "draft"


def test_another_bodys_update_is_visible(telsom_api, accp_draft):
    response = telsom_api.get(f"{API}/updates/{accp_draft.pk}/")
    assert response.status_code == 200
    assert response.json()["body"] == "ACCP"


def test_unknown_update_is_404_with_detail(telsom_api):
    for url in (f"{API}/updates/99999999/", f"{API}/updates/99999999/submit/"):
        response = telsom_api.get(url) if url.endswith("/99999999/") else telsom_api.post(url)
        assert response.status_code == 404
        assert response.json()["detail"]


def test_schema_and_docs_are_served(secretariat_api):
    schema = secretariat_api.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/periods/",
        "/api/v1/periods/{code}/",
        "/api/v1/expected-reports/",
        "/api/v1/updates/",
        "/api/v1/updates/{id}/",
        "/api/v1/updates/{id}/submit/",
        "/api/v1/updates/{id}/withdraw/",
        "/api/v1/updates/{id}/accept/",
        "/api/v1/updates/{id}/return/",
        "/api/v1/updates/{id}/evidence/",
        "/api/v1/updates/bulk/",
        "/api/v1/updates/spreadsheet/",
    ):
        assert path in paths, path
    assert "patch" in paths["/api/v1/updates/{id}/"]
    assert {"get", "post"} <= set(paths["/api/v1/updates/spreadsheet/"])
    docs = secretariat_api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3")


def test_reporting_api_itself_adds_no_schema_warnings(tmp_path, capsys):
    """The whole schema validates (OpenAPI 3), and none of its warnings come from the reporting API's annotations."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(target))
    warnings = [line for line in capsys.readouterr().err.splitlines() if "Warning" in line or "Error" in line]
    ours = [w for w in warnings if "/reporting/" in w or "/accounts/" in w or "/idempotency/" in w]
    assert ours == []


def test_null_values_in_responses_are_documented_as_nullable(secretariat_api, period, telsom_draft):
    """What the API sends as null, its schema must allow as null (clients generated from the schema rely on it)."""
    components = secretariat_api.get("/api/schema/?format=json").json()["components"]["schemas"]
    samples = {
        "Update": [
            secretariat_api.get(f"{API}/updates/{telsom_draft.pk}/").json(),  # a draft: no reviewer yet
            results(secretariat_api.get(f"{API}/updates/?period=2019-H2&initiative=AWPEC-1.1"))[0],  # baseline
        ],
        "ExpectedReport": results(secretariat_api.get(f"{API}/expected-reports/?period={PERIOD}&body=TELSOM")),
    }
    undocumented = sorted(
        {
            f"{name}.{field}"
            for name, rows in samples.items()
            for row in rows
            for field, value in row.items()
            if value is None and not components[name]["properties"][field].get("nullable")
        }
    )
    assert undocumented == []
