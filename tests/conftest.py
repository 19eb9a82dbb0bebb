import pytest

from accounts.demo import create_demo_people
from accounts.models import User
from difap.loading import load_implementation
from workprogramme.loading import load_bodies, load_member_states, load_plans


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the real catalogue of both plans and the demo people, as `make setup` leaves them."""
    with django_db_blocker.unblock():
        load_member_states()
        load_bodies()
        load_plans()
        load_implementation()
        create_demo_people()


@pytest.fixture
def secretariat(db):
    return User.objects.get(username="secretariat")


@pytest.fixture
def reviewer(db):
    return User.objects.get(username="accec")


@pytest.fixture
def telsom(db):
    return User.objects.get(username="telsom")


@pytest.fixture
def staff_client(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def api_client(secretariat):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(secretariat)
    return api
