"""Shared set-up for the tests of negotiations in the open: DEFA as `make setup` loads it, and a chapter's drafts."""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from transparency import services
from transparency.loading import load_negotiation
from transparency.models import Chapter, Document

DRAFT_1 = "Article 1. Parties shall [not] impose customs duties on electronic transmissions [before 2030]."
DRAFT_2 = "Article 1. Parties shall not impose customs duties on electronic transmissions [before 2035]."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def defa():
    negotiation, _, _ = load_negotiation()
    return negotiation


def a_pdf(name="chapter.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def chapter_draft(secretariat, negotiation, *, publish=True):
    """A made-up chapter (DEFA's chapters are not in our sources) with a public first draft and a second draft."""
    chapter = Chapter.objects.create(negotiation=negotiation, number=1, title="Test chapter on e-commerce")
    document = Document.objects.create(
        negotiation=negotiation, kind=Document.Kind.DRAFT_CHAPTER, title="Test chapter draft", chapter=chapter
    )
    first = services.version_add(user=secretariat, document=document, text=DRAFT_1, label="After round 1")
    if publish:
        services.disclosure_decide(
            user=secretariat,
            document=document,
            to_state=Document.Disclosure.PUBLIC,
            explanation="Released for consultation.",
        )
    document.refresh_from_db()
    second = services.version_add(user=secretariat, document=document, text=DRAFT_2, publish=publish)
    return document, first, second


def open_consultation(secretariat, negotiation, version, *, days_left=10):
    today = timezone.localdate()
    return services.consultation_create(
        user=secretariat,
        negotiation=negotiation,
        title="Consultation on the test chapter",
        questions="Should the moratorium be permanent?\nWhat should the chapter leave to national law?",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=days_left),
        version=version,
    )


def restrict(secretariat, document, *, days=30, explanation="Member States have not agreed to release it."):
    return services.disclosure_decide(
        user=secretariat,
        document=document,
        to_state=Document.Disclosure.RESTRICTED,
        reason="member_state_consent",
        explanation=explanation,
        review_on=date.today() + timedelta(days=days),
    )
