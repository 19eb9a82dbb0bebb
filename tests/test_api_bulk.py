"""Bulk filing (all or none), its idempotent retry, and the end-to-end script of a body's system (TELSOM)."""

import io

import pytest
from django.core.management import call_command

from idempotency.models import IdempotentRequest
from reporting.models import ExpectedReport, Update

from .test_api_base import (
    API,
    PERIOD,
    accp_draft,
    accp_submitted,
    api_media_root,
    content,
    fresh_cache,
    key_client,
    line,
    period,
    secretariat_api,
    snapshot,
    telsom_api,
    telsom_draft,
    token_client,
)

# pytest finds these fixtures by name in this module.
FIXTURES = (accp_draft, accp_submitted, api_media_root, fresh_cache, period, secretariat_api, telsom_api, telsom_draft)

pytestmark = pytest.mark.django_db


def item(code, **extra):
    return {"initiative": line(code).pk, **content(), **extra}


def bulk(*items, **extra):
    return {"period": PERIOD, "updates": list(items), **extra}


def test_bulk_files_and_submits_all(telsom_api, period):
    response = telsom_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-1.1"), item("AWPEC-1.3")), format="json")
    assert response.status_code == 201, response.content
    assert sorted(u["initiative_code"] for u in response.json()) == ["AWPEC-1.1", "AWPEC-1.3"]
    assert {u["state"] for u in response.json()} == {"submitted"}
    assert {u["body"] for u in response.json()} == {"TELSOM"}


def test_bulk_as_drafts(telsom_api, period):
    response = telsom_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-1.1"), submit=False), format="json")
    assert response.status_code == 201
    assert response.json()[0]["state"] == "draft"


def test_bulk_revises_an_existing_draft(telsom_api, telsom_draft):
    response = telsom_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-1.1", progress=70)), format="json")
    assert response.status_code == 201
    assert [u["id"] for u in response.json()] == [telsom_draft.pk]
    assert Update.objects.get(pk=telsom_draft.pk).progress == 70


def assert_rejected(response, expected, *, status=400):
    """400 {"detail", "errors": [{"index", "errors": {field: [...]}}]}; expected = {index: field}."""
    assert response.status_code == status, response.content
    data = response.json()
    assert data["detail"], data
    errors = {e["index"]: e["errors"] for e in data["errors"]}
    assert set(errors) == set(expected), data
    for index, field in expected.items():
        assert field in errors[index], (index, data)
        assert all(isinstance(m, str) and m for m in errors[index][field])


def test_bulk_is_all_or_none_for_domain_errors(telsom_api, period):
    before = Update.objects.count()
    response = telsom_api.post(
        f"{API}/updates/bulk/",
        bulk(item("AWPEC-1.1"), item("AWPEC-1.3", progress=100), item("AWPEC-11"), item("AWPEC-8.1")),
        format="json",
    )
    assert_rejected(response, {1: "progress", 3: "non_field_errors"})
    assert Update.objects.count() == before


def test_bulk_refuses_a_line_twice(telsom_api, period):
    response = telsom_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-1.1"), item("AWPEC-1.1")), format="json")
    assert_rejected(response, {1: "initiative"})
    assert not Update.objects.filter(period=period).exists()


def test_bulk_unknown_member_state(period):
    api = token_client("cptfwg")
    response = api.post(
        f"{API}/updates/bulk/",
        bulk(
            item("DIFAP-1.3.1", member_states={"VN": "completed"}),
            item("DIFAP-1.3.2", member_states={"XX": "completed"}),
        ),
        format="json",
    )
    assert_rejected(response, {1: "member_states"})
    assert not Update.objects.filter(period=period).exists()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"progress": "forty"}, "progress"),
        ({"initiative": 99999999}, "initiative"),
        ({"colour": "red"}, "colour"),
        ({"status": "sleeping"}, "status"),
    ],
)
def test_bulk_item_input_errors_have_the_documented_shape(telsom_api, period, bad, field):
    """Type errors in an item are reported like domain errors: {"detail", "errors": [{"index", "errors"}]}."""
    response = telsom_api.post(
        f"{API}/updates/bulk/", bulk(item("AWPEC-1.1"), {**item("AWPEC-1.3"), **bad}), format="json"
    )
    assert_rejected(response, {1: field})
    assert not Update.objects.filter(period=period).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"updates": []}, "updates"),
        ({"period": "2099-H3"}, "period"),
        ({"colour": "red"}, "colour"),
        ({"updates": "all of them"}, "updates"),
    ],
)
def test_bulk_top_level_errors(telsom_api, period, payload, field):
    response = telsom_api.post(f"{API}/updates/bulk/", {**bulk(item("AWPEC-1.1")), **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Update.objects.filter(period=period).exists()


@pytest.mark.parametrize(("payload", "field"), [({"period": "2099-H1"}, "period"), ({"body": "NOPE"}, "body")])
def test_bulk_for_a_period_or_body_that_does_not_exist_is_404(telsom_api, period, payload, field):
    response = telsom_api.post(f"{API}/updates/bulk/", {**bulk(item("AWPEC-1.1")), **payload}, format="json")
    assert response.status_code == 404
    assert list(response.json()) == [field]
    assert not Update.objects.filter(period=period).exists()


def test_bulk_malformed_json(telsom_api, period):
    response = telsom_api.post(
        f"{API}/updates/bulk/", '{"period": "2026-H2", "updates": [', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_bulk_into_a_reviewed_period(telsom_api, period):
    response = telsom_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-1.1"), period="2019-H2"), format="json")
    assert response.status_code == 400
    assert "period" in response.json()


def test_bulk_for_another_body_is_refused_and_changes_nothing(telsom_api, accp_draft):
    before = (Update.objects.count(), snapshot(accp_draft))
    response = telsom_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-8.1", progress=5), body="ACCP"), format="json")
    assert response.status_code == 400
    assert "ACCP" in str(response.json())
    assert (Update.objects.count(), snapshot(accp_draft)) == before


def test_bulk_secretariat_names_the_body(secretariat_api, period):
    assert secretariat_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-1.1")), format="json").status_code == 400
    response = secretariat_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-1.1"), body="TELSOM"), format="json")
    assert response.status_code == 201
    assert response.json()[0]["on_behalf"] is True


def test_bulk_idempotency(telsom_api, period):
    payload = bulk(item("AWPEC-1.1"), item("AWPEC-1.3"))
    first = telsom_api.post(f"{API}/updates/bulk/", payload, format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    second = telsom_api.post(f"{API}/updates/bulk/", payload, format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert [u["id"] for u in second.json()] == [u["id"] for u in first.json()]
    assert Update.objects.filter(period=period).count() == 2
    # a retry without the key is refused item by item (409: the lines are already submitted), and creates nothing
    third = telsom_api.post(f"{API}/updates/bulk/", payload, format="json")
    assert_rejected(third, {0: "non_field_errors", 1: "non_field_errors"}, status=409)
    # the same key for another request
    other = telsom_api.post(f"{API}/updates/bulk/", bulk(item("AWPEC-11")), format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    assert other.status_code == 422
    assert other.json()["detail"]
    assert Update.objects.filter(period=period).count() == 2


def test_telsom_script_end_to_end(period, accp_draft, accp_submitted):
    # 1. obtain a token
    out = io.StringIO()
    call_command("issue_token", "telsom", "--expires-days", "5", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    api = key_client(key)

    # 2. what does TELSOM still owe?
    owed = api.get(f"{API}/expected-reports/?period={PERIOD}&body=TELSOM&received=false&page_size=500")
    assert owed.status_code == 200
    entries = owed.json()["results"]
    assert len(entries) == ExpectedReport.objects.filter(period=period, body__acronym="TELSOM").count() > 1
    assert owed.json()["count"] == len(entries)

    # 3. file all of them in one call, with an Idempotency-Key
    items = [
        {
            "initiative": e["initiative"],
            **({"output": e["output"]} if e["output"] else {}),
            "status": "in_progress",
            "progress": 30,
            "narrative": f"Work under way on {e['initiative_code']}.",
        }
        for e in entries
    ]
    payload = {"period": PERIOD, "body": "TELSOM", "submit": True, "updates": items}
    first = api.post(f"{API}/updates/bulk/", payload, format="json", HTTP_IDEMPOTENCY_KEY="telsom-2026-H2-run-1")
    assert first.status_code == 201, first.content
    ids = sorted(u["id"] for u in first.json())
    assert len(ids) == len(entries)

    # 4. the network failed: retry with the same key
    retry = api.post(f"{API}/updates/bulk/", payload, format="json", HTTP_IDEMPOTENCY_KEY="telsom-2026-H2-run-1")
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert sorted(u["id"] for u in retry.json()) == ids
    assert Update.objects.filter(period=period, body__acronym="TELSOM").count() == len(entries)
    assert IdempotentRequest.objects.filter(key="telsom-2026-H2-run-1").count() == 1

    # 5. they are submitted, and nothing is owed any more
    listed = api.get(f"{API}/updates/?period={PERIOD}&body=TELSOM&page_size=500").json()["results"]
    assert sorted(u["id"] for u in listed) == ids
    assert {u["state"] for u in listed} == {"submitted"}
    still = api.get(f"{API}/expected-reports/?period={PERIOD}&body=TELSOM&received=false").json()
    assert still["count"] == 0

    # 6. ACCP's updates are out of reach
    accp_before = snapshot(accp_draft), snapshot(accp_submitted)
    url = f"{API}/updates/{accp_draft.pk}/"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"progress": 1}, format="json", HTTP_IF_MATCH=etag).status_code == 403
    assert api.post(f"{url}submit/").status_code == 403
    assert api.post(f"{API}/updates/{accp_submitted.pk}/withdraw/").status_code == 403
    refused = api.post(
        f"{API}/updates/bulk/", {**payload, "body": "ACCP", "updates": [item("AWPEC-8.1")]}, format="json"
    )
    assert refused.status_code == 400
    assert (snapshot(accp_draft), snapshot(accp_submitted)) == accp_before
