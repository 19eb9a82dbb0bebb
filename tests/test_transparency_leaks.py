"""Nothing of negotiations in the open that is not public reaches an anonymous visitor: pages, API, feed, sitemap.

A marker is filed wherever the public must never see it: the names and emails of people who respond and ask, the
text of unconfirmed, unmoderated and rejected responses and requests, the text and file of a restricted document's
versions, an unpublished version of a public document, an unpublished consultation, and subscribers' emails.
"""

import pytest
from django.core.cache import cache

from transparency import services
from transparency.models import Consultation, Response

from .transparency import a_pdf, chapter_draft, defa, open_consultation, restrict

pytestmark = pytest.mark.django_db

MARKER = "DefaLeak-5c2e90"


@pytest.fixture
def leaked(secretariat, settings):
    cache.clear()
    settings.TRANSPARENCY_SUBMISSIONS_PER_HOUR = 20  # every submission here comes from one test address
    negotiation = defa()
    document, first, second = chapter_draft(secretariat, negotiation)
    consultation = open_consultation(secretariat, negotiation, second)

    def respond(text, **fields):
        return services.response_submit(
            consultation=consultation,
            text=text,
            name=f"{MARKER} name",
            email=f"{MARKER.lower()}-{len(text)}@example.org",
            **fields,
        )

    respond(f"{MARKER} unverified")
    services.submission_verify(respond(f"{MARKER} awaiting moderation!").token)
    rejected = services.submission_verify(respond(f"{MARKER} rejected response text").token)
    services.submission_moderate(user=secretariat, submission=rejected, publish=False, reason="abusive")
    published = services.submission_verify(
        respond("A published response.", organisation=f"{MARKER} org", anonymous=True).token
    )
    services.submission_moderate(user=secretariat, submission=published, publish=True)
    services.reply_publish(user=secretariat, consultation=consultation, responses=[published], text="Thank you.")

    for text in (f"{MARKER} unverified request", f"{MARKER} unmoderated request!"):
        request = services.request_submit(negotiation=negotiation, text=text, name=MARKER, email="r@example.org")
    services.submission_verify(request.token)

    subscription = services.subscription_request(email=f"{MARKER.lower()}@example.org", negotiation=negotiation)
    services.subscription_confirm(subscription.token)

    restricted, _, _ = chapter_draft_restricted(secretariat, negotiation)
    hidden = services.version_add(user=secretariat, document=document, text=f"{MARKER} unpublished third draft")
    Consultation.objects.create(
        negotiation=negotiation,
        title=f"{MARKER} unpublished consultation",
        questions="?",
        opens_on=consultation.opens_on,
        closes_on=consultation.closes_on,
        created_by=secretariat,
    )
    return {"document": document, "restricted": restricted, "hidden": hidden, "consultation": consultation}


def chapter_draft_restricted(secretariat, negotiation):
    from transparency.models import Document

    document = Document.objects.create(negotiation=negotiation, kind="position_paper", title="Position paper of X")
    first = services.version_add(user=secretariat, document=document, text=f"{MARKER} restricted position")
    with_file = services.version_add(user=secretariat, document=document, upload=a_pdf(f"{MARKER}.pdf"))
    restrict(secretariat, document, explanation="Held back while negotiations continue.")
    return document, first, with_file


def public_urls(leaked):
    consultation = leaked["consultation"]
    urls = [
        "/negotiations/",
        "/negotiations/DEFA/",
        "/negotiations/DEFA/register/",
        f"/negotiations/DEFA/register/?search={MARKER}",
        "/negotiations/DEFA/requests/",
        "/negotiations/consultations/",
        consultation.get_absolute_url(),
        "/negotiations/stakeholders/",
        leaked["document"].get_absolute_url(),
        leaked["restricted"].get_absolute_url(),
        "/feeds/negotiations/",
        "/sitemap.xml",
        "/api/v1/negotiations/",
        "/api/v1/register/",
        f"/api/v1/register/?search={MARKER}",
        f"/api/v1/register/{leaked['restricted'].pk}/",
        f"/api/v1/register/{leaked['document'].pk}/",
        "/api/v1/consultations/",
        f"/api/v1/consultations/{consultation.pk}/responses/",
        "/api/v1/disclosure-requests/",
    ]
    urls += [version.get_absolute_url() for version in leaked["document"].versions.exclude(pk=leaked["hidden"].pk)]
    return urls


def test_the_marker_is_there_for_the_secretariat(leaked, staff_client):
    assert MARKER in staff_client.get("/negotiations/to-do/").content.decode()
    assert MARKER in staff_client.get(leaked["hidden"].get_absolute_url()).content.decode()


def test_no_public_page_or_endpoint_shows_anything_not_public(leaked, client):
    for url in public_urls(leaked):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode().replace(f'value="{MARKER}"', "").replace(f"search={MARKER}", "")
        assert MARKER.lower() not in content.lower(), url
    assert "A published response." in client.get(leaked["consultation"].get_absolute_url()).content.decode()


def test_guessed_addresses_of_hidden_things_answer_404_or_login(leaked, client):
    guesses = [f"/negotiations/versions/{v.pk}/" for v in leaked["restricted"].versions.all()]
    guesses += [f"/negotiations/versions/{v.pk}/download/" for v in leaked["restricted"].versions.all()]
    guesses += [leaked["hidden"].get_absolute_url()]
    guesses += [f"/negotiations/consultations/{c.pk}/" for c in Consultation.objects.filter(published=False)]
    guesses += [f"/api/v1/consultations/{c.pk}/" for c in Consultation.objects.filter(published=False)]
    guesses += ["/negotiations/to-do/"]
    for url in guesses:
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert MARKER.lower() not in response.content.decode().lower(), url
    assert Response.objects.filter(moderation="awaiting").exists()
