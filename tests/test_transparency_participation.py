"""The public takes part: requests and consultation responses confirmed by email, moderated, answered, reported."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from transparency import services
from transparency.models import Consultation, DisclosureRequest, Moderation, Response
from workprogramme.models import MemberState

from .transparency import chapter_draft, defa, open_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def negotiation():
    return defa()


@pytest.fixture
def consultation(secretariat, negotiation):
    _, _, second = chapter_draft(secretariat, negotiation)
    return open_consultation(secretariat, negotiation, second)


def respond(client, consultation, **fields):
    data = {
        "text": "Keep policy space for national digital rules.",
        "name": "Ana Reyes",
        "email": "ana@example.org",
        "organisation": "Trade Justice Pilipinas",
        "organisation_kind": "civil_society",
        "country": MemberState.objects.get(code="PH").pk,
        **fields,
    }
    return client.post(consultation.get_absolute_url(), data)


def confirmation_link(message):
    return re.search(r"http://[^\s]+/negotiations/confirm/[^\s/]+/", message.body).group(0)


def test_a_response_is_confirmed_by_email_moderated_then_shown_without_the_persons_name(
    client, consultation, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert respond(client, consultation).status_code == 200
    response = Response.objects.get()
    assert response.moderation == Moderation.UNVERIFIED
    (message,) = mailoutbox
    assert message.to == ["ana@example.org"]
    client.get(confirmation_link(message).removeprefix("http://127.0.0.1:8000"))
    response.refresh_from_db()
    assert response.moderation == Moderation.AWAITING
    assert "Keep policy space" not in client.get(consultation.get_absolute_url()).content.decode()
    services.submission_moderate(user=secretariat, submission=response, publish=True)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Keep policy space" in page and "Trade Justice Pilipinas (Philippines)" in page
    assert "Ana Reyes" not in page and "ana@example.org" not in page


def test_an_anonymous_response_hides_the_organisation_too(client, consultation, secretariat):
    respond(client, consultation, anonymous="on")
    response = services.submission_verify(Response.objects.get().token)
    services.submission_moderate(user=secretariat, submission=response, publish=True)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "A civil society respondent (Philippines)" in page and "Trade Justice Pilipinas" not in page


def test_a_filled_honeypot_is_answered_as_usual_and_nothing_is_kept(client, consultation):
    assert respond(client, consultation, website="http://spam.example").status_code == 200
    assert not Response.objects.exists()


def test_one_address_may_send_only_so_many_an_hour(client, consultation, settings):
    settings.TRANSPARENCY_SUBMISSIONS_PER_HOUR = 2
    for number in range(2):
        assert respond(client, consultation, email=f"person{number}@example.org").status_code == 200
    refused = respond(client, consultation, email="person9@example.org")
    assert refused.status_code == 400 and "At most 2 an hour" in refused.content.decode()
    assert Response.objects.count() == 2


def test_hostile_input_gets_a_clear_400_and_nothing_saved(client, consultation):
    for fields in ({"email": "not-an-email"}, {"text": ""}, {"organisation_kind": "cartel"}, {"text": "x" * 10001}):
        assert respond(client, consultation, **fields).status_code == 400, fields
    assert not Response.objects.exists()


def test_a_closed_consultation_takes_no_responses(client, consultation):
    Consultation.objects.filter(pk=consultation.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    consultation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.response_submit(consultation=consultation, text="Late", name="Late", email="late@example.org")
    assert respond(client, consultation).status_code == 400


def test_moderation_is_a_permission_given_to_named_staff(consultation, client):
    respond(client, consultation)
    response = services.submission_verify(Response.objects.get().token)
    colleague = User.objects.create(username="new-staff", role=User.Role.SECRETARIAT)
    with pytest.raises(PermissionDenied):
        services.submission_moderate(user=colleague, submission=response, publish=True)
    colleague.groups.add(Group.objects.get(name="Secretariat"))
    colleague = User.objects.get(pk=colleague.pk)  # permissions are cached per instance
    services.submission_moderate(user=colleague, submission=response, reason="off_topic", publish=False)
    response.refresh_from_db()
    assert response.moderation == Moderation.REJECTED and response.rejection_reason == "off_topic"


def test_a_rejection_needs_a_reason_from_the_list(consultation, client, secretariat):
    respond(client, consultation)
    response = services.submission_verify(Response.objects.get().token)
    with pytest.raises(ValidationError):
        services.submission_moderate(user=secretariat, submission=response, publish=False, reason="dislike")


def test_after_closing_the_report_downloads_with_responses_replies_and_counts(client, consultation, secretariat):
    respond(client, consultation)
    respond(client, consultation, email="b@example.org", organisation="", organisation_kind="", country="")
    for response in Response.objects.all():
        services.submission_moderate(
            user=secretariat, submission=services.submission_verify(response.token), publish=True
        )
    services.reply_publish(
        user=secretariat, consultation=consultation, responses=Response.objects.all(), text="=Noted, thank you."
    )
    assert client.get(f"/negotiations/consultations/{consultation.pk}/report.xlsx").status_code == 404
    Consultation.objects.filter(pk=consultation.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    pdf = client.get(f"/negotiations/consultations/{consultation.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    xlsx = client.get(f"/negotiations/consultations/{consultation.pk}/report.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = [[cell for cell in row] for row in book["Counts"].iter_rows(values_only=True)]
    assert ["Philippines", 1] in [list(r) for r in rows] and ["Outside ASEAN or not given", 1] in [
        list(r) for r in rows
    ]
    assert book["Replies"]["C2"].value == "'=Noted, thank you."
    responses_sheet = [str(v) for row in book["Responses"].iter_rows(values_only=True) for v in row]
    assert "Ana Reyes" not in responses_sheet and "ana@example.org" not in responses_sheet
    assert client.get(f"/negotiations/consultations/{consultation.pk}/report.docx").status_code == 404


def test_a_request_is_listed_once_moderated_and_its_answer_shows_the_days_taken(client, negotiation, secretariat):
    client.post(
        "/negotiations/DEFA/requests/",
        {"subject": "document", "text": "Please publish the study.", "name": "Budi", "email": "budi@example.org"},
    )
    request = services.submission_verify(DisclosureRequest.objects.get().token)
    assert "Please publish the study." not in client.get("/negotiations/DEFA/requests/").content.decode()
    services.submission_moderate(user=secretariat, submission=request, publish=True)
    DisclosureRequest.objects.filter(pk=request.pk).update(verified_at=timezone.now() - timedelta(days=4))
    staff = client.__class__()
    staff.force_login(secretariat)
    todo = staff.get("/negotiations/to-do/").content.decode()
    assert "Please publish the study." in todo and "waiting 4 days" in todo
    services.request_answer(
        user=secretariat, request=request, answer="refused", text="Not before signature.", refusal_reason="security"
    )
    page = client.get("/negotiations/DEFA/requests/").content.decode()
    assert "Please publish the study." in page and "Refused" in page and "Security or international relations" in page
    assert "Budi" not in page and "budi@example.org" not in page
    with pytest.raises(ValidationError):
        services.request_answer(user=secretariat, request=request, answer="granted", text="Again")


def test_only_the_secretariat_opens_consultations_and_only_on_public_versions(secretariat, telsom, negotiation):
    document, first, second = chapter_draft(secretariat, negotiation, publish=False)
    with pytest.raises(ValidationError):
        open_consultation(secretariat, negotiation, second)
    with pytest.raises(PermissionDenied):
        open_consultation(telsom, negotiation, second)


def test_the_secretariat_replies_on_the_consultation_page_and_closes_it_early(client, consultation, secretariat):
    respond(client, consultation)
    response = services.submission_verify(Response.objects.get().token)
    services.submission_moderate(user=secretariat, submission=response, publish=True)
    assert client.post(consultation.get_absolute_url(), {"close": "1"}).status_code == 403
    staff = client.__class__()
    staff.force_login(secretariat)
    answer = staff.post(
        consultation.get_absolute_url(), {"reply": "1", "reply-responses": [response.pk], "reply-text": "Noted."}
    )
    assert answer.status_code == 302, answer.content.decode()
    assert staff.post(consultation.get_absolute_url(), {"close": "1"}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.is_closed() and not consultation.is_open()
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Noted." in page and "Send response" not in page


def test_consultation_and_request_pages_cost_the_same_queries_however_many_responses(client, consultation, secretariat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def publish_one(number):
        respond(client, consultation, email=f"p{number}@example.org")
        response = services.submission_verify(Response.objects.latest("pk").token)
        services.submission_moderate(user=secretariat, submission=response, publish=True)
        services.reply_publish(user=secretariat, consultation=consultation, responses=[response], text="Thanks.")
        request = services.request_submit(
            negotiation=consultation.negotiation, text="Publish it", name="X", email=f"r{number}@example.org"
        )
        services.submission_moderate(
            user=secretariat, submission=services.submission_verify(request.token), publish=True
        )

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [
        consultation.get_absolute_url(),
        "/negotiations/DEFA/requests/",
        f"/api/v1/consultations/{consultation.pk}/responses/",
        "/api/v1/disclosure-requests/",
        "/negotiations/consultations/",
    ]
    publish_one(0)
    before = {url: count(url) for url in urls}
    cache.clear()
    for number in range(1, 4):
        publish_one(number)
    assert {url: count(url) for url in urls} == before
