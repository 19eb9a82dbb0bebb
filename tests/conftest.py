import os

import pytest

from accounts.demo import create_demo_people
from accounts.models import User
from difap.loading import load_implementation
from difap.models import ImplementationRecord
from reporting.services import load_baseline
from workprogramme.loading import load_bodies, load_member_states, load_plans

# Under pytest-xdist a worker may run database tests after the browser tests started Playwright, whose event loop
# makes Django refuse synchronous queries in that thread; the tests themselves are synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _a_redis_cache_of_its_own_per_worker():
    """Each xdist worker counts API calls in its own Redis database: the same demo users call the API in every
    worker, and `cache.clear()` empties a whole database. Subprocesses that a test starts inherit it."""
    from django.conf import settings

    worker, cache = os.environ.get("PYTEST_XDIST_WORKER", ""), settings.CACHES["default"]
    if not (worker.startswith("gw") and cache["BACKEND"].endswith("RedisCache")):
        return
    base, _, database = cache["LOCATION"].rpartition("/")
    broker_database = settings.CELERY_BROKER_URL.rpartition("/")[2]
    number = (int(database or 0) + int(worker[2:])) % 16
    if str(number) == broker_database:
        number = (number + 1) % 16
    cache["LOCATION"] = os.environ["CACHE_URL"] = f"{base}/{number}"


_a_redis_cache_of_its_own_per_worker()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the real catalogue, the 2019 baseline and the demo people, as `make setup` leaves them."""
    with django_db_blocker.unblock():
        load_member_states()
        load_bodies()
        load_plans()
        load_implementation()
        create_demo_people()
        load_baseline(
            (r.initiative, r.output, r.as_of, r.text, r.member_states)
            for r in ImplementationRecord.objects.select_related("initiative", "output")
        )


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


@pytest.fixture(autouse=True)
def tasks_run_in_process(request):
    """Tasks run eagerly in tests, broker or not, except in tests marked `broker`, which use the real one."""
    from config.celery import app

    if request.node.get_closest_marker("broker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`make test` runs two workers), tests that share one outside resource run on one worker.

    Broker tests share the Redis queue (a worker started by one test could take another's task), the API contract
    tests one live server (tests/live_api.py), and the browser tests share one running site and one browser;
    `--dist loadgroup` keeps each group on a single worker.
    """
    for item in items:
        if item.get_closest_marker("e2e") or "e2e" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("e2e"))
        elif item.get_closest_marker("broker"):
            item.add_marker(pytest.mark.xdist_group("broker"))
        elif "live_api" in getattr(item, "fixturenames", ()):
            # One live API server (tests/live_api.py) for the contract run and the generated client.
            item.add_marker(pytest.mark.xdist_group("live_api"))
