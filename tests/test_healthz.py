import environ
import pytest
from django.test import override_settings

from config.storage import stored_files

from .conftest import OBJECT_STORE, TEST_BUCKET
from .objectstore import free_ports


@pytest.mark.django_db
def test_healthz_reports_the_database_as_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_answers_503_when_the_configured_broker_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_checks_the_object_store_when_files_are_kept_there(client, file_storage):
    checks = client.get("/healthz").json()["checks"]
    if file_storage.kind == OBJECT_STORE:
        assert checks["object_store"] == "ok"
    else:
        assert "object_store" not in checks  # files on local disk: nothing more to reach


@pytest.mark.django_db
def test_healthz_answers_503_when_the_object_store_is_away(client, settings, monkeypatch):
    monkeypatch.setenv("OBJECT_STORAGE_BUCKET", "tracker-files")
    monkeypatch.setenv("OBJECT_STORAGE_ENDPOINT_URL", f"http://127.0.0.1:{free_ports(1)[0]}")  # nothing listens
    monkeypatch.setenv("OBJECT_STORAGE_ACCESS_KEY", "key")
    monkeypatch.setenv("OBJECT_STORAGE_SECRET_KEY", "secret")
    settings.STORAGES = {**settings.STORAGES, "default": stored_files(environ.Env())}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["object_store"] == "error: EndpointConnectionError"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_object_store_refuses_the_sites_key(client, settings, monkeypatch, object_store):
    for name, value in object_store.storage_options(TEST_BUCKET).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OBJECT_STORAGE_SECRET_KEY", "not-the-secret")  # a real server checks every signature
    settings.STORAGES = {**settings.STORAGES, "default": stored_files(environ.Env())}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["object_store"] == "error: ClientError"
