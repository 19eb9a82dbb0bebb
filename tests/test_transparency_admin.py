"""The admin keeps negotiations, their rounds and chapters, register entries and meetings; decisions stay read only."""

import pytest

from tests.helpers import user
from transparency.models import Document

from .transparency import defa

pytestmark = pytest.mark.django_db

MODELS = ["negotiation", "document", "organisation", "consultation", "meeting", "disclosurerequest", "response"]


@pytest.mark.parametrize("model", MODELS)
def test_the_secretariat_opens_each_admin_list(client, model):
    defa()
    client.force_login(user("secretariat"))
    assert client.get(f"/admin/transparency/{model}/").status_code == 200


def test_a_register_entry_is_added_in_the_admin_as_pending_and_its_disclosure_is_read_only(client):
    negotiation = defa()
    client.force_login(user("secretariat"))
    response = client.post(
        "/admin/transparency/document/add/",
        {
            "negotiation": negotiation.pk,
            "kind": "position_paper",
            "title": "Position paper tabled by a Member State",
            "disclosure": "public",  # ignored: decisions go through the service and its log
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
            "decisions-TOTAL_FORMS": 0,
            "decisions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(title="Position paper tabled by a Member State")
    assert document.disclosure == Document.Disclosure.PENDING and not document.decisions.exists()
    assert client.get(f"/admin/transparency/document/{document.pk}/change/").status_code == 200
