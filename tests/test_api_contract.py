"""The API keeps the contract its OpenAPI schema states (issue 17): a client generated from /api/schema/ is never
surprised by an HTML page, a silently ignored parameter, or a refusal the schema did not describe."""

import json

import pytest

from .test_api_base import (
    API,
    PERIOD,
    accp_submitted,
    api_media_root,
    fresh_cache,
    period,
    reviewer_api,
    secretariat_api,
    telsom_api,
    telsom_draft,
)

# pytest finds these fixtures by name in this module.
FIXTURES = (
    accp_submitted,
    api_media_root,
    fresh_cache,
    period,
    reviewer_api,
    secretariat_api,
    telsom_api,
    telsom_draft,
)


# Every answer under /api/ is JSON, including the ones no view produced.


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/0.5/export/?format=csv",  # the URL issue 17 found answering Django's HTML 404
        "/api/v1/no-such-collection/",
        "/api/",
        "/api/v1/updates/abc/",
    ],
)
def test_an_unknown_api_address_answers_json_404(secretariat_api, path):
    response = secretariat_api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_an_unknown_page_outside_the_api_still_answers_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_under_the_api_answers_json_500_and_html_elsewhere(rf):
    from config.errors import server_error

    api = server_error(rf.get("/api/v1/updates/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert "detail" in json.loads(api.content)
    page = server_error(rf.get("/reporting/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_method_the_api_does_not_allow_answers_json_405(telsom_api, telsom_draft):
    response = telsom_api.put(f"{API}/periods/{PERIOD}/", {}, format="json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


# An invalid filter or paging value is refused with a 400 naming the parameter, never read as "absent".


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/initiatives/?page_size=null", "page_size"),
        ("/initiatives/?page_size=0", "page_size"),
        ("/initiatives/?page_size=501", "page_size"),
        ("/initiatives/?page_size=1.5", "page_size"),
        ("/initiatives/?page=0", "page"),
        ("/initiatives/?page=two", "page"),
        ("/initiatives/?target_year=0.5", "target_year"),
        ("/initiatives/?target_year=soon", "target_year"),
        ("/initiatives/?overdue=null", "overdue"),
        ("/initiatives/?overdue=maybe", "overdue"),
        ("/initiatives/?status=null", "status"),
        ("/initiatives/?programme=NOPE", "programme"),
        ("/expected-reports/?received=null", "received"),
        ("/expected-reports/?received=yes please", "received"),
        ("/expected-reports/?received=1", "received"),  # was read as "any": only true and false are documented
        ("/expected-reports/?period=2026-H3", "period"),
        ("/periods/?year=...", "year"),
        ("/periods/?year=2026.5", "year"),
        ("/periods/?state=null", "state"),
        ("/updates/?state=nonsense", "state"),
        ("/updates/?page_size=null", "page_size"),
        ("/reports/?page_size=-1", "page_size"),
    ],
)
def test_an_invalid_filter_or_paging_value_is_refused_naming_it(secretariat_api, path, parameter):
    response = secretariat_api.get(API + path)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [parameter]
    assert response.json()[parameter] and all(isinstance(m, str) for m in response.json()[parameter])


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "owed"), [("false", True), ("False", True), ("true", False), ("True", False)])
def test_yes_no_filters_still_read_true_and_false(telsom_api, value, owed):
    response = telsom_api.get(f"{API}/expected-reports/?period={PERIOD}&body=TELSOM&received={value}&page_size=500")
    assert response.status_code == 200
    assert bool(response.json()["results"]) is owed


@pytest.mark.django_db
def test_the_list_pages_keep_ignoring_a_filter_they_cannot_read(staff_client):
    """The browser shows the form's message and the unfiltered list; only the API refuses."""
    response = staff_client.get("/initiatives/?target_year=0.5&overdue=maybe")
    assert response.status_code == 200


# Every constraint the API enforces on input is stated in the schema, and input is checked as strictly as output.


@pytest.mark.django_db
def test_the_schema_states_blank_texts_and_period_codes_the_api_refuses(secretariat_api):
    components = secretariat_api.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert components["Return"]["properties"]["comment"]["minLength"] == 1
    assert components["EvidenceLink"]["properties"]["title"]["minLength"] == 1
    assert components["Bulk"]["properties"]["period"]["pattern"] == r"^\d{4}-H[12]$"
    assert components["UpdateCreate"]["properties"]["period"]["pattern"] == r"^\d{4}-H[12]$"


@pytest.mark.django_db
def test_a_blank_return_comment_is_refused_as_the_schema_says(reviewer_api, accp_submitted):
    response = reviewer_api.post(f"{API}/updates/{accp_submitted.pk}/return/", {"comment": "   "}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["2026", "2026-H3", "26-H1", "2026-h2"])
def test_a_malformed_period_code_is_told_its_form(telsom_api, code):
    response = telsom_api.post(f"{API}/updates/bulk/", {"period": code, "updates": [{}]}, format="json")
    assert response.status_code == 400
    assert response.json()["period"] == ["A period code: the year, a dash and H1 or H2, e.g. 2026-H2."]


@pytest.mark.django_db
def test_a_step_the_updates_state_does_not_allow_answers_409_as_documented(telsom_api, reviewer_api, telsom_draft):
    response = telsom_api.post(f"{API}/updates/{telsom_draft.pk}/withdraw/")
    assert response.status_code == 409
    assert response.json() == {"detail": "Only a submitted update that is not yet reviewed can be withdrawn."}
    schema = telsom_api.get("/api/schema/?format=json").json()["paths"]
    for step in ("submit", "withdraw", "accept", "return"):
        operation = schema[f"/api/v1/updates/{{id}}/{step}/"]["post"]
        assert "409" in operation["responses"] and "409" in operation["description"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        'https://example.org/a"b',
        "https://example.org/<script>",
        "https://example.org/it's",
        "https://example.org/a b",
        "https://example.org/a>b",
        "https://example.org/a\\b",
    ],
)
def test_an_evidence_url_with_unencoded_characters_is_refused(telsom_api, telsom_draft, url):
    response = telsom_api.post(
        f"{API}/updates/{telsom_draft.pk}/evidence/", {"title": "Minutes", "url": url}, format="json"
    )
    assert response.status_code == 400
    assert "url" in response.json()
    assert not telsom_draft.evidence.exists()


@pytest.mark.django_db
def test_a_percent_encoded_evidence_url_is_accepted(telsom_api, telsom_draft):
    url = "https://example.org/a%22b%3Cc%3E?q=%27x%27#part"
    response = telsom_api.post(
        f"{API}/updates/{telsom_draft.pk}/evidence/", {"title": "Minutes", "url": url}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["url"] == url
