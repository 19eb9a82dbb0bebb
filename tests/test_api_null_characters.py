"""A NUL character is refused with a clear 400, never a server error (PostgreSQL cannot compare such text)."""

import pytest
from rest_framework.test import APIClient

from tests.helpers import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(user("telsom"))
    return client


def test_a_nul_in_the_address_is_refused(api):
    response = api.get("/api/v1/updates/spreadsheet/?period=%00")
    assert response.status_code == 400
    assert response.json() == {"detail": "Null characters are not allowed in the address."}


def test_a_nul_in_a_field_is_refused_by_name(api):
    response = api.post(
        "/api/v1/updates/bulk/", {"period": "2026\x00H2", "updates": [{"initiative": 1}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["period"] == ["Null characters are not allowed."]
