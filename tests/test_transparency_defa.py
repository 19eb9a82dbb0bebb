"""DEFA holds only what the civil-society letter states: the negotiation, its requested register, signatories."""

import pytest

from transparency.loading import load_negotiation
from transparency.models import Document, Organisation

from .transparency import defa

pytestmark = pytest.mark.django_db


def test_defa_has_every_category_the_letter_asks_for_as_requested_on_24_october_2025():
    negotiation = defa()
    entries = negotiation.documents.all()
    assert {entry.kind for entry in entries} == set(Document.Kind.values) - {Document.Kind.FINAL_TEXT}
    assert all(entry.disclosure == Document.Disclosure.REQUESTED for entry in entries)
    assert {str(entry.requested_on) for entry in entries} == {"2025-10-24"}
    study = entries.get(kind=Document.Kind.STUDY)
    assert "Boston Consulting Group" in study.title and "methodology" in study.requested_as


def test_nothing_the_letter_does_not_state_is_invented():
    negotiation = defa()
    assert negotiation.launched_on is None
    assert not negotiation.rounds.exists() and not negotiation.chapters.exists()
    assert not negotiation.documents.filter(versions__isnull=False).exists()
    assert negotiation.mandate == ""


def test_the_signatories_are_in_the_registry_as_the_letter_lists_them():
    defa()
    signatories = Organisation.objects.filter(source__contains="24 October 2025")
    assert signatories.count() == 48
    assert signatories.filter(country__code="MY").count() == 19
    assert signatories.get(name="Third World Network").where == "Global"
    assert signatories.get(name="EngageMedia").where == "Regional"
    assert signatories.get(name="Myanmar Internet Project").country.name == "Myanmar"


def test_loading_again_duplicates_nothing_and_keeps_decisions(secretariat):
    negotiation = defa()
    mandate = negotiation.documents.get(kind=Document.Kind.MANDATE)
    Document.objects.filter(pk=mandate.pk).update(disclosure=Document.Disclosure.PENDING)
    _, entries, organisations = load_negotiation()
    assert (entries, organisations) == (0, 0)
    assert negotiation.documents.count() == 13
    mandate.refresh_from_db()
    assert mandate.disclosure == Document.Disclosure.PENDING


def test_an_anonymous_visitor_sees_defa_its_register_and_the_signatories(client):
    negotiation = defa()
    page = client.get(negotiation.get_absolute_url()).content.decode()
    assert "Digital Economy Framework Agreement" in page and "13 requested" in page
    register = client.get("/negotiations/DEFA/register/").content.decode()
    assert register.count("asked for by civil society on 24 October 2025, not published") == 13
    registry = client.get("/negotiations/stakeholders/").content.decode()
    assert "Sahabat Alam Malaysia (SAM)" in registry and "Tech Global Institute" in registry
