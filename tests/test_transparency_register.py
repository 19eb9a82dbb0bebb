"""The disclosure register: decisions checked and logged, drafts in order with a redline, files as attachments."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transparency import services
from transparency.models import DisclosureDecision, Document, DocumentVersion

from .transparency import DRAFT_1, a_pdf, chapter_draft, defa, restrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def negotiation():
    return defa()


@pytest.fixture
def mandate(negotiation):
    return negotiation.documents.get(kind=Document.Kind.MANDATE)


def test_a_restriction_needs_a_reason_from_the_list_and_a_review_date_after_today(secretariat, mandate):
    for reason, review_on in [("", date.today() + timedelta(days=5)), ("member_state_consent", date.today())]:
        with pytest.raises(ValidationError):
            services.disclosure_decide(
                user=secretariat,
                document=mandate,
                to_state="restricted",
                reason=reason,
                explanation="Not yet.",
                review_on=review_on,
            )
    mandate.refresh_from_db()
    assert mandate.disclosure == Document.Disclosure.REQUESTED and not mandate.decisions.exists()


def test_every_decision_is_logged_from_what_to_what_and_why(secretariat, mandate):
    restrict(secretariat, mandate)
    services.disclosure_decide(user=secretariat, document=mandate, to_state="public", explanation="Agreed by AMS.")
    log = list(mandate.decisions.values_list("from_state", "to_state", "explanation"))
    assert log == [
        ("requested", "restricted", "Member States have not agreed to release it."),
        ("restricted", "public", "Agreed by AMS."),
    ]
    mandate.refresh_from_db()
    assert mandate.public_since == date.today() and mandate.restriction_reason == ""


def test_only_the_secretariat_decides(telsom, reviewer, mandate):
    for person in (telsom, reviewer):
        with pytest.raises(PermissionDenied):
            services.disclosure_decide(user=person, document=mandate, to_state="public", explanation="x")


def test_restrictions_whose_review_date_has_passed_are_on_the_secretariats_to_do_list(
    secretariat, mandate, staff_client
):
    restrict(secretariat, mandate)
    assert mandate.title not in staff_client.get("/negotiations/to-do/").content.decode()
    Document.objects.filter(pk=mandate.pk).update(review_on=date.today() - timedelta(days=1))
    assert list(Document.objects.due_for_review()) == [mandate]
    assert mandate.title in staff_client.get("/negotiations/to-do/").content.decode()


def test_versions_are_numbered_in_order_and_publishing_the_document_discloses_them(secretariat, negotiation):
    document, first, second = chapter_draft(secretariat, negotiation)
    assert (first.number, second.number) == (1, 2)
    assert list(DocumentVersion.objects.public().filter(document=document)) == [first, second]


def test_a_version_cannot_be_published_while_its_document_is_not_public(secretariat, mandate):
    with pytest.raises(ValidationError):
        services.version_add(user=secretariat, document=mandate, text="Mandate text", publish=True)
    assert not mandate.versions.exists()


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_saved(secretariat, mandate):
    with pytest.raises(ValidationError, match="not an allowed file"):
        services.version_add(user=secretariat, document=mandate, upload=a_pdf("mandate.pdf", b"<html>hi</html>"))
    assert not mandate.versions.exists()


def test_the_version_page_marks_bracketed_text_and_shows_the_redline(secretariat, negotiation, client):
    _, _, second = chapter_draft(secretariat, negotiation)
    page = client.get(second.get_absolute_url()).content.decode()
    assert '<mark class="bracketed">[before 2035]</mark>' in page
    assert "<del>[not]</del>" in page and "<ins>not</ins>" in page
    assert "<del>2030].</del>" in page or "<del>2030]." in page


def test_a_restricted_document_is_listed_with_its_reason_but_its_versions_never_answer(
    secretariat, negotiation, client
):
    document, first, _ = chapter_draft(secretariat, negotiation)
    with_file = services.version_add(user=secretariat, document=document, upload=a_pdf(), publish=True)
    assert client.get(f"/negotiations/versions/{with_file.pk}/download/")["Content-Disposition"].startswith(
        "attachment"
    )
    restrict(secretariat, document, explanation="Held back until the AMS agree.")
    register = client.get("/negotiations/DEFA/register/").content.decode()
    assert "Test chapter draft" in register and "A Member State has not consented to its release" in register
    for url in [first.get_absolute_url(), f"/negotiations/versions/{with_file.pk}/download/"]:
        assert client.get(url).status_code == 404, url
    assert DRAFT_1 not in client.get(document.get_absolute_url()).content.decode()


def test_a_public_file_is_sent_as_an_attachment_that_browsers_may_not_render(secretariat, negotiation, client):
    document, _, _ = chapter_draft(secretariat, negotiation)
    version = services.version_add(user=secretariat, document=document, upload=a_pdf(), publish=True)
    response = client.get(f"/negotiations/versions/{version.pk}/download/")
    assert response["Content-Disposition"] == 'attachment; filename="chapter.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_search_finds_public_texts_and_never_restricted_ones(secretariat, negotiation, client):
    document, _, _ = chapter_draft(secretariat, negotiation)
    found = client.get("/negotiations/DEFA/register/?search=moratorium customs").content.decode()
    assert "Test chapter draft" not in found  # "moratorium" is in no text
    found = client.get("/negotiations/DEFA/register/?search=customs duties").content.decode()
    assert "Test chapter draft" in found
    restrict(secretariat, document)
    assert "Test chapter draft" not in client.get("/negotiations/DEFA/register/?search=customs duties").content.decode()


def test_the_register_filters_by_kind_and_state_and_refuses_unknown_values(client, negotiation):
    page = client.get("/negotiations/DEFA/register/?kind=study&disclosure=requested").content.decode()
    assert "Boston Consulting Group" in page and "negotiating mandate" not in page.lower().split("<tbody>")[1]
    assert client.get("/negotiations/DEFA/register/?kind=novel").status_code == 400


def test_the_staff_page_records_a_decision_and_refuses_an_incomplete_one(staff_client, mandate):
    response = staff_client.post(
        mandate.get_absolute_url(),
        {"decide": "1", "decision-to_state": "restricted", "decision-explanation": "Not yet."},
    )
    assert response.status_code == 400 and "Choose the reason from the list." in response.content.decode()
    response = staff_client.post(
        mandate.get_absolute_url(),
        {"decide": "1", "decision-to_state": "public", "decision-explanation": "Released."},
    )
    assert response.status_code == 302
    assert DisclosureDecision.objects.filter(document=mandate, to_state="public").exists()


def test_an_anonymous_post_to_a_document_is_forbidden(client, mandate):
    response = client.post(mandate.get_absolute_url(), {"decide": "1", "decision-to_state": "public"})
    assert response.status_code == 403
    mandate.refresh_from_db()
    assert mandate.disclosure == Document.Disclosure.REQUESTED


def test_the_register_page_and_api_cost_the_same_queries_however_many_entries(client, secretariat, negotiation):
    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = ["/negotiations/DEFA/register/", "/api/v1/register/", "/negotiations/DEFA/", "/feeds/negotiations/"]
    before = {url: count(url) for url in urls}
    for _ in range(3):
        document = Document.objects.create(negotiation=negotiation, kind="minutes", title="Minutes")
        restrict(secretariat, document)
    chapter_draft(secretariat, negotiation)
    assert {url: count(url) for url in urls} == before


def test_the_feed_lists_newly_published_documents_and_versions(secretariat, negotiation, client):
    _, _, second = chapter_draft(secretariat, negotiation)
    feed = client.get("/feeds/negotiations/").content.decode()
    assert "Test chapter draft (disclosed public)" in feed and "Test chapter draft, version 2" in feed
    assert "negotiating mandate" not in feed.lower()


def test_the_sitemap_lists_the_register_and_public_versions_only(secretariat, negotiation, client):
    document, first, second = chapter_draft(secretariat, negotiation)
    hidden = services.version_add(user=secretariat, document=document, text="Unpublished third draft")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/negotiations/DEFA/" in sitemap and document.get_absolute_url() in sitemap
    assert second.get_absolute_url() in sitemap and hidden.get_absolute_url() not in sitemap
