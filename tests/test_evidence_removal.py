"""Taking evidence off an update: the body on its own editable update, the Secretariat on any, always accountably."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reporting import services
from reporting.models import Comment, Evidence, Update
from tests.helpers import api_as, user
from workprogramme.models import Body, Initiative

from .test_report_rollup import plan  # noqa: F401  (the hand-made plan fixture)

pytestmark = pytest.mark.django_db

BAD_LINK = "https://example.org/study?q=%22roaming%22"


@pytest.fixture
def accepted(plan):  # noqa: F811
    """ACCP's accepted update on T-3, carrying a link whose quote once broke every report build."""
    update = services.update_create(
        user=user("accp"),
        period=plan[1],
        initiative=Initiative.objects.get(code="T-3"),
        body=Body.objects.get(acronym="ACCP"),
        values={"status": "in_progress", "progress": 30, "narrative": "Study under way."},
    )
    services.evidence_add_link(user=user("accp"), update=update, title="The study", url=BAD_LINK)
    services.update_submit(user=user("accp"), update=update)
    return services.update_accept(user=user("accec"), update=update)


@pytest.fixture
def draft(plan):  # noqa: F811
    """ACCP's draft on T-5, with a link."""
    update = services.update_create(
        user=user("accp"),
        period=plan[1],
        initiative=Initiative.objects.get(code="T-5"),
        body=Body.objects.get(acronym="ACCP"),
        values={"status": "in_progress", "progress": 10, "narrative": "Starting."},
    )
    services.evidence_add_link(user=user("accp"), update=update, title="Draft link", url="https://example.org/d")
    return Update.objects.get(pk=update.pk)


def link_of(update):
    return update.evidence.get()


def test_the_secretariat_takes_a_bad_link_off_an_accepted_update_and_says_why(accepted):
    evidence = link_of(accepted)
    update = services.evidence_remove(user=user("secretariat"), evidence=evidence, reason="The link is broken.")
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert update.state == Update.State.ACCEPTED and update.version == accepted.version + 1
    record = update.history.latest()
    assert record.history_user == user("secretariat")
    assert record.history_change_reason == "Removed evidence: The study"
    comment = Comment.objects.get(update=update)
    assert comment.author == user("secretariat")
    assert comment.text == f"Removed the link \u201cThe study\u201d ({BAD_LINK}). Reason: The link is broken."


def test_the_secretariat_must_say_why(accepted):
    with pytest.raises(ValidationError) as refused:
        services.evidence_remove(user=user("secretariat"), evidence=link_of(accepted), reason="  ")
    assert "reason" in refused.value.message_dict
    assert accepted.evidence.count() == 1 and not Comment.objects.filter(update=accepted).exists()


def test_a_reason_longer_than_the_limit_is_refused_not_cut(accepted):
    with pytest.raises(ValidationError, match="Keep the reason to 1000 characters; it has 1001"):
        services.evidence_remove(user=user("secretariat"), evidence=link_of(accepted), reason="x" * 1001)
    assert accepted.evidence.count() == 1


def test_the_body_cannot_take_evidence_off_its_accepted_update(accepted):
    with pytest.raises(PermissionDenied) as refused:
        services.evidence_remove(user=user("accp"), evidence=link_of(accepted), reason="Oops.")
    assert str(refused.value) == (
        "This update is accepted: only the ASEAN Secretariat can take evidence off it, and must say why."
    )
    assert accepted.evidence.count() == 1


def test_the_body_says_why_it_takes_a_link_off_its_update_awaiting_review(draft):
    """Once submitted, a reviewer may already have read the evidence: taking it off is explained, even by the body."""
    submitted = services.update_submit(user=user("accp"), update=draft)

    with pytest.raises(ValidationError, match="Say why the evidence is taken off"):
        services.evidence_remove(user=user("accp"), evidence=link_of(submitted), reason="")
    assert submitted.evidence.count() == 1

    services.evidence_remove(user=user("accp"), evidence=link_of(submitted), reason="Wrong meeting.")
    assert submitted.evidence.count() == 0
    assert Comment.objects.get(update=submitted).text.endswith("Reason: Wrong meeting.")


def test_a_reporter_of_another_body_cannot_take_evidence_off(draft, accepted):
    for update in (draft, accepted):
        with pytest.raises(PermissionDenied):
            services.evidence_remove(user=user("telsom"), evidence=link_of(update), reason="Not mine.")
        assert update.evidence.count() == 1


def test_a_reviewer_cannot_take_evidence_off_another_bodys_update(draft, accepted):
    for update in (draft, accepted):
        with pytest.raises(PermissionDenied):
            services.evidence_remove(user=user("accec"), evidence=link_of(update), reason="Reviewing.")
        assert update.evidence.count() == 1


def test_the_body_takes_a_link_off_its_own_draft_without_a_reason(draft):
    update = services.evidence_remove(user=user("accp"), evidence=link_of(draft), reason="")
    assert update.evidence.count() == 0 and update.state == Update.State.DRAFT
    assert Comment.objects.get(update=update).text == "Removed the link \u201cDraft link\u201d (https://example.org/d)."


def test_the_next_report_builds_without_the_removed_link(accepted, plan, settings, tmp_path):  # noqa: F811
    from reports import services as reports

    settings.MEDIA_ROOT = tmp_path
    services.evidence_remove(user=user("secretariat"), evidence=link_of(accepted), reason="Broken link.")
    report = reports.report_issue(user=user("accec"), period=plan[1], programme=plan[0], title="TEST")
    reports.report_build(report.pk)
    report.refresh_from_db()
    assert report.state == "ready"
    assert next(line for line in report.snapshot["lines"] if line["code"] == "T-3")["evidence"] == []


# In the browser ---------------------------------------------------------------------------------------------------


def test_the_secretariat_removes_a_link_from_the_update_page(client, accepted):
    client.force_login(user("secretariat"))
    page = client.get(accepted.get_absolute_url()).content.decode()
    evidence = link_of(accepted)
    assert f'action="/reporting/evidence/{evidence.pk}/remove/"' in page and 'name="reason"' in page
    response = client.post(f"/reporting/evidence/{evidence.pk}/remove/", {"reason": "Broken."}, follow=True)
    assert response.status_code == 200 and "removed" in response.content.decode()
    assert accepted.evidence.count() == 0


def test_the_page_refuses_a_removal_without_a_reason_with_a_message(client, accepted):
    client.force_login(user("secretariat"))
    evidence = link_of(accepted)
    response = client.post(f"/reporting/evidence/{evidence.pk}/remove/", {"reason": ""}, follow=True)
    assert "Say why the evidence is taken off" in response.content.decode() and accepted.evidence.count() == 1


def test_the_page_offers_no_removal_to_those_who_may_not_and_refuses_their_posts(client, accepted):
    evidence = link_of(accepted)
    for username in ("accp", "telsom", "accec"):
        client.force_login(user(username))
        assert "/remove/" not in client.get(accepted.get_absolute_url()).content.decode()
        assert client.post(f"/reporting/evidence/{evidence.pk}/remove/", {"reason": "x"}).status_code == 403
    assert client.get(f"/reporting/evidence/{evidence.pk}/remove/").status_code == 405
    assert accepted.evidence.count() == 1


def test_the_page_checks_the_csrf_token(accepted):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user("secretariat"))
    evidence = link_of(accepted)
    assert browser.post(f"/reporting/evidence/{evidence.pk}/remove/", {"reason": "x"}).status_code == 403
    assert accepted.evidence.count() == 1


# Through the API --------------------------------------------------------------------------------------------------


def test_the_secretariat_removes_a_link_through_the_api(accepted):
    evidence = link_of(accepted)
    response = api_as("secretariat").delete(
        f"/api/v1/updates/{accepted.pk}/evidence/{evidence.pk}/?reason=Broken%20link."
    )
    assert response.status_code == 200 and response.json()["evidence"] == []
    assert response["ETag"] == f'"{accepted.version + 1}"'


def test_the_api_refuses_what_the_service_refuses(accepted, draft):
    evidence = link_of(accepted)
    url = f"/api/v1/updates/{accepted.pk}/evidence/{evidence.pk}/"
    assert "reason" in api_as("secretariat").delete(url).json()
    assert api_as("secretariat").delete(url + "?reason=" + "x" * 1001).status_code == 400
    assert api_as("secretariat").delete(url + "?reason=a%00b").status_code == 400
    for username in ("accp", "telsom", "accec"):
        response = api_as(username).delete(url + "?reason=x")
        assert response.status_code == 403 and response.json()["detail"]
    other = link_of(draft)  # evidence of another update, named under this one
    response = api_as("secretariat").delete(f"/api/v1/updates/{accepted.pk}/evidence/{other.pk}/?reason=x")
    assert response.status_code == 404
    assert accepted.evidence.count() == 1 and draft.evidence.count() == 1


def test_the_removal_is_in_the_api_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/updates/{id}/evidence/{evidence_id}/"]["delete"]
    assert {p["name"] for p in operation["parameters"]} >= {"id", "evidence_id", "reason"}
    assert {"200", "400", "403", "404"} <= set(operation["responses"])
