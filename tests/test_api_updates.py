"""Filing, changing and reviewing single updates through the API: roles, If-Match, idempotency, bad input."""

import pytest

from idempotency.models import IdempotentRequest
from reporting import services
from reporting.models import Comment, ExpectedReport, Update

from .test_api_base import (
    API,
    PERIOD,
    accp_api,
    accp_draft,
    accp_submitted,
    api_media_root,
    content,
    file_update,
    fresh_cache,
    line,
    period,
    reviewer_api,
    secretariat_api,
    snapshot,
    telsom_api,
    telsom_draft,
    token_client,
    user,
)

# pytest finds these fixtures by name in this module.
FIXTURES = (
    accp_api,
    accp_draft,
    accp_submitted,
    api_media_root,
    fresh_cache,
    period,
    reviewer_api,
    secretariat_api,
    telsom_api,
    telsom_draft,
)

pytestmark = pytest.mark.django_db


def new(code, **extra):
    return {"initiative": line(code).pk, "period": PERIOD, **content(), **extra}


# Create ---------------------------------------------------------------------------------------------------------


def test_body_files_a_draft(telsom_api, period):
    response = telsom_api.post(f"{API}/updates/", new("AWPEC-1.1"), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft"
    assert data["body"] == "TELSOM"
    assert data["author"] == "telsom"
    assert data["on_behalf"] is False
    assert response["ETag"] == f'"{data["version"]}"'
    update = Update.objects.get(pk=data["id"])
    assert update.expected == ExpectedReport.objects.get(period=period, initiative=line("AWPEC-1.1"), body=update.body)


def test_body_files_and_submits_at_once(telsom_api, period):
    response = telsom_api.post(f"{API}/updates/", new("AWPEC-1.3", submit=True), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "submitted"
    assert response.json()["submitted_at"]


def test_per_member_state_line(period):
    api = token_client("cptfwg")
    protocol_2 = "DIFAP-1.3.1"
    assert line(protocol_2).per_member_state
    response = api.post(
        f"{API}/updates/", new(protocol_2, member_states={"LA": "completed", "VN": "in_progress"}), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["member_states"] == {"LA": "completed", "VN": "in_progress"}


def test_body_cannot_file_another_bodys_line(telsom_api, period):
    before = Update.objects.count()
    for payload in (new("AWPEC-8.1"), new("AWPEC-8.1", body="ACCP"), new("AWPEC-1.1", body="ACCP")):
        response = telsom_api.post(f"{API}/updates/", payload, format="json")
        assert response.status_code == 403, response.content
        assert response.json()["detail"]
    assert Update.objects.count() == before


def test_second_update_on_same_line_is_refused(telsom_api, telsom_draft):
    before = Update.objects.count()
    response = telsom_api.post(f"{API}/updates/", new("AWPEC-1.1"), format="json")
    assert response.status_code == 409  # a conflict with the update already filed, as when two collide
    assert "edit that one instead" in response.json()["detail"]
    assert Update.objects.count() == before


def test_secretariat_files_on_behalf_of_a_body(secretariat_api, period):
    response = secretariat_api.post(f"{API}/updates/", new("AWPEC-1.1", body="TELSOM"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["body"] == "TELSOM"
    assert response.json()["on_behalf"] is True


def test_secretariat_must_name_the_body(secretariat_api, period):
    before = Update.objects.count()
    response = secretariat_api.post(f"{API}/updates/", new("AWPEC-1.1"), format="json")
    assert response.status_code == 400
    assert "body" in response.json()
    assert Update.objects.count() == before


# Bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"progress": "forty"}, "progress"),
        ({"progress": 150}, "progress"),
        ({"progress": -1}, "progress"),
        ({"progress": 100}, "progress"),  # 100 only when completed
        ({"status": "completed", "progress": 50}, "progress"),
        ({"status": "sleeping"}, "status"),
        ({"status": "delayed"}, "reason"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": "2020-01-01"}, "as_of"),  # outside the period
        ({"initiative": "AWPEC-1.1"}, "initiative"),
        ({"period": "2099-H3"}, "period"),
        ({"colour": "red"}, "colour"),
        ({"member_states": {"LA": "completed"}}, "member_states"),  # AWPEC-1.3 is not per Member State
        ({"submit": "perhaps"}, "submit"),
        ({"narrative": ["a", "list"]}, "narrative"),
    ],
)
def test_bad_input_is_400_with_field_messages_and_saves_nothing(telsom_api, period, change, field):
    before = (Update.objects.count(), IdempotentRequest.objects.count())
    # AWPEC-1.3, not AWPEC-1.1: the 2019 text makes AWPEC-1.1 a line of each Member State's ("conducted domestically").
    payload = {**new("AWPEC-1.3"), **change}
    response = telsom_api.post(f"{API}/updates/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    messages = response.json()[field]
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert (Update.objects.count(), IdempotentRequest.objects.count()) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [({"initiative": 99999999}, "initiative"), ({"period": "2099-H1"}, "period"), ({"body": "NOPE"}, "body")],
)
def test_a_well_formed_reference_to_no_record_is_404_naming_it(telsom_api, period, change, field):
    """A schema cannot say which ids and codes exist: naming one that does not is "not found" (issue 17)."""
    before = Update.objects.count()
    response = telsom_api.post(f"{API}/updates/", {**new("AWPEC-1.1"), **change}, format="json")
    assert response.status_code == 404, response.content
    assert list(response.json()) == [field]
    assert Update.objects.count() == before


def test_unknown_member_state(period):
    api = token_client("cptfwg")
    before = Update.objects.count()
    response = api.post(f"{API}/updates/", new("DIFAP-1.3.1", member_states={"XX": "completed"}), format="json")
    assert response.status_code == 400
    assert "XX" in response.json()["member_states"][0]
    response = api.post(f"{API}/updates/", new("DIFAP-1.3.1", member_states={"VN": "asleep"}), format="json")
    assert response.status_code == 400
    assert "member_states" in response.json()
    assert Update.objects.count() == before


def test_malformed_json_is_400(telsom_api, period):
    before = Update.objects.count()
    response = telsom_api.post(f"{API}/updates/", '{"initiative": 1, "period": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    response = telsom_api.post(f"{API}/updates/", "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert Update.objects.count() == before


def test_periods_that_take_no_filings(telsom_api, secretariat, period):
    upcoming = services.period_create(user=secretariat, year=2027, half=1)
    before = Update.objects.count()
    for code in (upcoming.code, "2019-H2"):
        response = telsom_api.post(f"{API}/updates/", new("AWPEC-1.3", period=code), format="json")
        assert response.status_code == 400, response.content
        assert "takes no filings" in response.json()["period"][0]
    assert Update.objects.count() == before


# PATCH with If-Match --------------------------------------------------------------------------------------------


def test_patch_needs_if_match(telsom_api, telsom_draft):
    before = snapshot(telsom_draft)
    response = telsom_api.patch(f"{API}/updates/{telsom_draft.pk}/", {"progress": 60}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert snapshot(telsom_draft) == before


def test_patch_with_stale_etag_is_412(telsom_api, telsom_draft):
    before = snapshot(telsom_draft)
    for stale in ('"0"', '"99"'):
        response = telsom_api.patch(
            f"{API}/updates/{telsom_draft.pk}/", {"progress": 60}, format="json", HTTP_IF_MATCH=stale
        )
        assert response.status_code == 412, stale
        assert response.json()["detail"]
    assert snapshot(telsom_draft) == before


def test_patch_with_an_if_match_that_is_no_etag_is_400(telsom_api, telsom_draft):
    """`nonsense` is malformed rather than stale: 400, as the schema's pattern for If-Match states."""
    before = snapshot(telsom_draft)
    for malformed in ("nonsense", "*", "{}"):
        response = telsom_api.patch(
            f"{API}/updates/{telsom_draft.pk}/", {"progress": 60}, format="json", HTTP_IF_MATCH=malformed
        )
        assert response.status_code == 400, malformed
        assert list(response.json()) == ["If-Match"]
    assert snapshot(telsom_draft) == before


def test_patch_with_current_etag_changes_and_moves_the_etag(telsom_api, telsom_draft):
    url = f"{API}/updates/{telsom_draft.pk}/"
    etag = telsom_api.get(url)["ETag"]
    response = telsom_api.patch(url, {"progress": 60, "narrative": "Half done."}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["progress"] == 60
    new_etag = response["ETag"]
    assert int(new_etag.strip('"')) == int(etag.strip('"')) + 1
    assert telsom_api.get(url)["ETag"] == new_etag
    # the old ETag is now stale
    again = telsom_api.patch(url, {"progress": 70}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412
    assert Update.objects.get(pk=telsom_draft.pk).progress == 60
    # a weak ETag of the current version is accepted
    weak = telsom_api.patch(url, {"progress": 70}, format="json", HTTP_IF_MATCH=f"W/{new_etag}")
    assert weak.status_code == 200


def test_patch_bad_input_changes_nothing(telsom_api, telsom_draft):
    url = f"{API}/updates/{telsom_draft.pk}/"
    etag = telsom_api.get(url)["ETag"]
    before = snapshot(telsom_draft)
    for payload, field in (
        ({"progress": 101}, "progress"),
        ({"progress": "x"}, "progress"),
        ({"colour": "red"}, "colour"),
        ({"initiative": line("AWPEC-1.3").pk}, "initiative"),
    ):
        response = telsom_api.patch(url, payload, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 400, payload
        assert field in response.json()
    assert snapshot(telsom_draft) == before


def test_patch_of_a_submitted_update_is_refused(telsom_api, telsom_draft):
    services.update_submit(user=user("telsom"), update=telsom_draft)
    url = f"{API}/updates/{telsom_draft.pk}/"
    etag = telsom_api.get(url)["ETag"]
    before = snapshot(telsom_draft)
    response = telsom_api.patch(url, {"progress": 10}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert snapshot(telsom_draft) == before


def test_patch_returned_and_withdrawn_updates(telsom_api, reviewer_api, telsom_draft):
    url = f"{API}/updates/{telsom_draft.pk}/"
    assert telsom_api.post(f"{url}submit/").status_code == 200
    assert telsom_api.post(f"{url}withdraw/").status_code == 200
    etag = telsom_api.get(url)["ETag"]
    assert telsom_api.patch(url, {"progress": 45}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert telsom_api.post(f"{url}submit/").status_code == 200
    assert reviewer_api.post(f"{url}return/", {"comment": "Add the survey."}, format="json").status_code == 200
    etag = telsom_api.get(url)["ETag"]
    response = telsom_api.patch(url, {"progress": 50}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["state"] == "returned"


# Actions and roles ----------------------------------------------------------------------------------------------


def test_submit_and_withdraw(telsom_api, telsom_draft):
    url = f"{API}/updates/{telsom_draft.pk}/"
    response = telsom_api.post(f"{url}submit/")
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert response["ETag"] == f'"{response.json()["version"]}"'
    again = telsom_api.post(f"{url}submit/")
    assert again.status_code == 409  # a well-formed request the update's state refuses
    response = telsom_api.post(f"{url}withdraw/")
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"


def test_submit_with_stale_if_match_is_412(telsom_api, telsom_draft):
    before = snapshot(telsom_draft)
    response = telsom_api.post(f"{API}/updates/{telsom_draft.pk}/submit/", HTTP_IF_MATCH='"42"')
    assert response.status_code == 412
    assert response.json()["detail"]
    assert snapshot(telsom_draft) == before


def test_submit_without_narrative_is_400(telsom_api, period):
    update = file_update("telsom", "AWPEC-11", period, narrative="")
    before = snapshot(update)
    response = telsom_api.post(f"{API}/updates/{update.pk}/submit/")
    assert response.status_code == 400
    assert "narrative" in response.json()
    assert snapshot(update) == before


def test_reviewer_accepts_and_returns(reviewer_api, period):
    first = file_update("telsom", "AWPEC-1.1", period, submit=True)
    second = file_update("telsom", "AWPEC-1.3", period, submit=True)
    response = reviewer_api.post(f"{API}/updates/{first.pk}/accept/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    assert response.json()["reviewer"] == "accec"

    missing = reviewer_api.post(f"{API}/updates/{second.pk}/return/", {}, format="json")
    assert missing.status_code == 400
    assert "comment" in missing.json()
    blank = reviewer_api.post(f"{API}/updates/{second.pk}/return/", {"comment": "   "}, format="json")
    assert blank.status_code == 400
    assert Update.objects.get(pk=second.pk).state == "submitted"

    response = reviewer_api.post(f"{API}/updates/{second.pk}/return/", {"comment": "Add figures."}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    assert response.json()["review_comment"] == "Add figures."
    assert Comment.objects.filter(update=second, text="Add figures.").exists()

    # accepting what is not submitted
    again = reviewer_api.post(f"{API}/updates/{second.pk}/accept/")
    assert again.status_code == 409


def test_reviewer_cannot_review_own_bodys_update(reviewer_api, period):
    entry = ExpectedReport.objects.filter(period=period, body__acronym="ACCEC", output=None).first()
    assert entry is not None, "ACCEC leads lines in both plans (e.g. AWPEC-2.1)"
    update = services.update_create(
        user=user("accec"), period=period, initiative=entry.initiative, body=entry.body, values=content(), submit=True
    )
    before = snapshot(update)
    response = reviewer_api.post(f"{API}/updates/{update.pk}/accept/")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert snapshot(update) == before


@pytest.mark.parametrize("username", ["telsom", "accp", "secretariat"])
def test_only_reviewers_accept_or_return(period, username):
    update = file_update("telsom", "AWPEC-1.1", period, submit=True)
    api = token_client(username)
    before = snapshot(update)
    response = api.post(f"{API}/updates/{update.pk}/accept/")
    assert response.status_code == 403
    assert "reviewer" in response.json()["detail"]
    response = api.post(f"{API}/updates/{update.pk}/return/", {"comment": "No."}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert snapshot(update) == before


def test_body_cannot_touch_another_bodys_update(telsom_api, accp_draft, accp_submitted):
    draft_before, submitted_before = snapshot(accp_draft), snapshot(accp_submitted)
    url = f"{API}/updates/{accp_draft.pk}/"
    etag = telsom_api.get(url)["ETag"]
    response = telsom_api.patch(url, {"progress": 5}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 403
    assert "ACCP" in response.json()["detail"]
    response = telsom_api.post(f"{url}submit/")
    assert response.status_code == 403
    response = telsom_api.post(f"{API}/updates/{accp_submitted.pk}/withdraw/")
    assert response.status_code == 403
    response = telsom_api.post(f"{url}evidence/", {"title": "Ours", "url": "https://example.org"}, format="json")
    assert response.status_code == 403
    assert snapshot(accp_draft) == draft_before
    assert snapshot(accp_submitted) == submitted_before


def test_secretariat_edits_and_submits_for_a_body(secretariat_api, telsom_draft):
    url = f"{API}/updates/{telsom_draft.pk}/"
    etag = secretariat_api.get(url)["ETag"]
    response = secretariat_api.patch(url, {"progress": 55}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["on_behalf"] is True
    assert secretariat_api.post(f"{url}submit/").json()["state"] == "submitted"


def test_history_names_the_token_user(telsom_api, telsom_draft):
    url = f"{API}/updates/{telsom_draft.pk}/"
    etag = telsom_api.get(url)["ETag"]
    telsom_api.patch(url, {"progress": 41}, format="json", HTTP_IF_MATCH=etag)
    assert Update.objects.get(pk=telsom_draft.pk).history.first().history_user.username == "telsom"


# Idempotency ----------------------------------------------------------------------------------------------------


def test_same_key_same_body_gives_the_same_answer_once(telsom_api, period):
    payload = new("AWPEC-1.1", submit=True)
    first = telsom_api.post(f"{API}/updates/", payload, format="json", HTTP_IDEMPOTENCY_KEY="file-1.1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    second = telsom_api.post(f"{API}/updates/", payload, format="json", HTTP_IDEMPOTENCY_KEY="file-1.1")
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Update.objects.filter(period=period, initiative=line("AWPEC-1.1")).count() == 1
    # What was kept says which request it answers, for whoever looks into a client's retries.
    kept = IdempotentRequest.objects.get(key="file-1.1")
    assert (kept.user.username, kept.method, kept.path, kept.status_code) == ("telsom", "POST", f"{API}/updates/", 201)


def test_same_key_different_body_is_422(telsom_api, period):
    telsom_api.post(f"{API}/updates/", new("AWPEC-1.1"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    before = Update.objects.count()
    response = telsom_api.post(f"{API}/updates/", new("AWPEC-1.3"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert Update.objects.count() == before
    assert not Update.objects.filter(period=period, initiative=line("AWPEC-1.3")).exists()


def test_each_new_key_is_a_new_request(telsom_api, period):
    first = telsom_api.post(f"{API}/updates/", new("AWPEC-1.1"), format="json", HTTP_IDEMPOTENCY_KEY="file-1")
    second = telsom_api.post(f"{API}/updates/", new("AWPEC-1.3"), format="json", HTTP_IDEMPOTENCY_KEY="file-2")
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second
    assert {u.initiative.code for u in Update.objects.filter(period=period)} == {"AWPEC-1.1", "AWPEC-1.3"}


def test_keys_are_per_user(telsom_api, period):
    telsom_api.post(f"{API}/updates/", new("AWPEC-1.1"), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    accp = token_client("accp")
    response = accp.post(f"{API}/updates/", new("AWPEC-8.1"), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert response.json()["body"] == "ACCP"


def test_idempotent_action_replays(telsom_api, telsom_draft):
    url = f"{API}/updates/{telsom_draft.pk}/submit/"
    first = telsom_api.post(url, HTTP_IDEMPOTENCY_KEY="submit-1")
    second = telsom_api.post(url, HTTP_IDEMPOTENCY_KEY="submit-1")
    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert Update.objects.get(pk=telsom_draft.pk).version == first.json()["version"]


def test_refusal_is_replayed_too_and_nothing_is_created(telsom_api, period):
    payload = new("AWPEC-8.1")
    first = telsom_api.post(f"{API}/updates/", payload, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    second = telsom_api.post(f"{API}/updates/", payload, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    assert first.status_code == second.status_code == 403
    assert second.json() == first.json()
    assert not Update.objects.filter(period=period, initiative=line("AWPEC-8.1")).exists()


def test_overlong_key_is_400(telsom_api, period):
    response = telsom_api.post(f"{API}/updates/", new("AWPEC-1.1"), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert response.json() == {"detail": "Idempotency-Key is at most 255 characters."}
    assert not Update.objects.filter(period=period).exists()


def test_a_key_of_255_characters_is_kept(telsom_api, period):
    key = "k" * 255
    response = telsom_api.post(f"{API}/updates/", new("AWPEC-1.1"), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201
    assert IdempotentRequest.objects.get(key=key).status_code == 201
