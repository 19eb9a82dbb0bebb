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
        # Empty is neither a number nor yes/no: leave the parameter out instead (schemathesis found `?page=` read
        # as absent).
        ("/initiatives/?page=", "page"),
        ("/updates/?page_size=", "page_size"),
        ("/expected-reports/?received=", "received"),
        ("/initiatives/?target_year=", "target_year"),
        ("/periods/?year=", "year"),
        ("/updates/?period=", "period"),  # the schema gives period codes a pattern that "" does not match
        ("/public/updates/?period=", "period"),
        # An empty choice is none of the choices the schema lists (`make contract` found `?kind=` read as absent).
        ("/updates/?status=", "status"),
        ("/initiatives/?status=", "status"),
        ("/register/?kind=", "kind"),
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/initiatives/?programme=NOPE", "programme"),
        ("/initiatives/?body=TELSON", "body"),
        ("/updates/?body=TELSON&state=draft", "body"),
        ("/expected-reports/?period=2031-H1", "period"),
        ("/public/updates/?member_state=XX", "member_state"),
        ("/updates/spreadsheet/?period=2031-H1", "period"),
    ],
)
def test_a_well_formed_code_that_names_no_record_is_404_naming_it(secretariat_api, path, parameter):
    """A schema cannot list which codes exist: a well-formed one that names nothing is "not found", not "bad"."""
    response = secretariat_api.get(API + path)
    assert response.status_code == 404, response.content
    assert list(response.json()) == [parameter]


@pytest.mark.django_db
def test_a_malformed_period_code_in_a_filter_is_still_400(secretariat_api):
    response = secretariat_api.get(f"{API}/updates/?period=2026-H3")
    assert response.status_code == 400 and "period" in response.json()


@pytest.mark.django_db
def test_a_number_sent_for_a_text_is_refused_not_turned_into_text(telsom_api, telsom_draft):
    response = telsom_api.post(
        f"{API}/updates/{telsom_draft.pk}/evidence/", {"title": 0, "kind": "meeting"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"title": ["Not a valid string."]}
    assert not telsom_draft.evidence.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [False, [1], "text"])
def test_a_body_that_is_not_an_object_is_a_400_not_a_crash(telsom_api, telsom_draft, body):
    response = telsom_api.post(f"{API}/updates/{telsom_draft.pk}/evidence/", body, format="json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_report_is_built_from_texts_and_existing_codes_only(secretariat_api):
    base = {"period": "2019-H2", "title": "Baseline"}
    number = secretariat_api.post(f"{API}/reports/", {**base, "executive_summary": 0}, format="json")
    assert number.status_code == 400 and number.json() == {"executive_summary": ["Not a valid string."]}
    unknown = secretariat_api.post(f"{API}/reports/", {**base, "programme": "00"}, format="json")
    assert unknown.status_code == 404 and list(unknown.json()) == ["programme"]
    extra = secretariat_api.post(f"{API}/reports/", {**base, "colour": "red"}, format="json")
    assert extra.status_code == 400 and extra.json() == {"colour": ["Unknown field."]}


@pytest.mark.django_db
def test_a_wrong_member_state_status_is_a_400_even_with_a_stale_version(telsom_api, telsom_draft):
    response = telsom_api.patch(
        f"{API}/updates/{telsom_draft.pk}/",
        {"member_states": {"VN": "asleep"}},
        format="json",
        HTTP_IF_MATCH='"99"',
    )
    assert response.status_code == 400 and "member_states" in response.json()


@pytest.mark.django_db
def test_a_malformed_change_is_refused_as_such_before_its_version_is_compared(telsom_api, telsom_draft):
    response = telsom_api.patch(
        f"{API}/updates/{telsom_draft.pk}/", {"progress": 50, "surprise": 1}, format="json", HTTP_IF_MATCH='"99"'
    )
    assert response.status_code == 400
    assert response.json() == {"surprise": ["Unknown field."]}


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json_even_with_debug_on(settings, secretariat_api):
    """`make run` serves with DEBUG on, whose 404 page is HTML: a client built against it reads JSON all the same."""
    settings.DEBUG = True
    response = secretariat_api.get("/api/v1/bodies/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_an_unknown_api_address_answers_json_404_to_a_session_without_a_csrf_token(telsom):
    """A DELETE to a path no view answers, with a session cookie and no CSRF token, got Django's HTML 403."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(telsom)
    response = browser.delete("/api/v1/updates/0.5/evidence/5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# What the schema itself states (what generated clients and schemathesis read).


@pytest.fixture
def schema(db, client):
    return client.get("/api/schema/?format=json").json()


def test_json_bodies_are_documented_as_json_only(schema):
    """Three encodings of one body made a generated client send the last one (form fields, which cannot carry
    per-Member-State status); multipart stays only where it carries a file."""
    create = schema["paths"]["/api/v1/updates/"]["post"]["requestBody"]["content"]
    assert list(create) == ["application/json"]
    evidence = schema["paths"]["/api/v1/updates/{id}/evidence/"]["post"]["requestBody"]["content"]
    assert set(evidence) == {"application/json", "multipart/form-data"}


def test_bulk_and_spreadsheet_filings_take_no_query_parameters_and_answer_a_list(schema):
    """It answers a list, so the list's filters were documented on it: a generated client then had two `body`
    arguments (the filter and the request body) and did not even import."""
    for path in ("/api/v1/updates/bulk/", "/api/v1/updates/spreadsheet/"):
        operation = schema["paths"][path]["post"]
        assert [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"] == []
        # and it answers a plain list of updates, not a page
        answer = operation["responses"]["201"]["content"]["application/json"]["schema"]
        assert answer == {"type": "array", "items": {"$ref": "#/components/schemas/Update"}}


def test_bodies_that_refuse_unknown_fields_say_so(schema):
    components = schema["components"]["schemas"]
    for name in ("UpdateCreate", "PatchedUpdatePatch", "Bulk", "BulkItem", "Return", "EvidenceLink"):
        assert components[name]["additionalProperties"] is False, name
    assert "additionalProperties" not in components["Update"]


def test_every_refusal_is_documented_as_json(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    assert "application/json" in response.get("content", {}), (method, path, code)


def test_if_match_takes_the_etags_form_and_free_text_no_nul(schema):
    patch = schema["paths"]["/api/v1/updates/{id}/"]["patch"]
    if_match = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert if_match["schema"]["pattern"] == r'^(W/)?"?[0-9]+"?$'
    search = next(p for p in schema["paths"]["/api/v1/initiatives/"]["get"]["parameters"] if p["name"] == "search")
    assert search["schema"]["pattern"] == r"^[^\u0000]*$"
    period = next(p for p in schema["paths"]["/api/v1/updates/"]["get"]["parameters"] if p["name"] == "period")
    assert period["schema"]["pattern"] == r"^\d{4}-H[12]$"


def test_a_new_update_links_to_the_steps_it_allows(schema):
    links = schema["paths"]["/api/v1/updates/"]["post"]["responses"]["201"]["links"]
    assert links["ChangeTheUpdate"] == {
        "operationId": "v1_updates_partial_update",
        "parameters": {"id": "$response.body#/id", "header.If-Match": "$response.header.ETag"},
    }
    assert {"SubmitTheUpdate", "AddEvidence", "AcceptTheUpdate", "ReturnTheUpdate"} <= set(links)
    submitted = schema["paths"]["/api/v1/updates/{id}/submit/"]["post"]["responses"]["200"]["links"]
    assert submitted["AcceptTheUpdate"]["operationId"] == "v1_updates_accept_create"
    report = schema["paths"]["/api/v1/reports/"]["post"]["responses"]["202"]["links"]
    assert report["PublishTheReport"]["parameters"] == {"id": "$response.body#/id"}


# The public side of the negotiations (transparency/): its detail addresses may name no record in the test catalogue.
TRANSPARENCY_PATHS = tuple(
    f"/api/v1/{name}/"
    for name in (
        "negotiations",
        "consultations",
        "consultation-responses",
        "disclosure-requests",
        "register",
        "meetings",
        "stakeholders",
    )
)


@pytest.mark.django_db
def test_the_schema_says_which_operations_anyone_may_call_and_they_are_those(schema, client, period):
    """`security: [{}]` (and the Open data tag) exactly on the operations that answer without a login."""
    public, private = [], []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if operation.get("security") == [{}]:
                # Open data, and the public side of the negotiations (transparency/)
                assert {"Open data", "Negotiations in the open"} & set(operation["tags"]), path
                public.append((method, path))
            else:
                assert operation["security"] and {} not in operation["security"], path
                private.append((method, path))
            if method != "get":
                continue
            address = path.replace("{id}", "1").replace("{code}", PERIOD)
            answer = client.get(address, {"format": "xlsx"} if address.endswith("/export/") else {})
            if operation.get("security") == [{}]:
                # Answered without a login: 200, or 404 where record 1 does not exist in the test catalogue.
                expected = (200, 404) if "{" in path and path.startswith(TRANSPARENCY_PATHS) else (200,)
                assert answer.status_code in expected, (path, answer.status_code)
            else:
                assert answer.status_code in (401, 403), (path, answer.status_code)
    assert ("get", "/api/v1/public/updates/") in public and ("get", "/api/v1/bodies/{id}/") in public
    assert ("get", "/api/v1/updates/") in private and ("post", "/api/v1/updates/") in private
