"""Every HTML page carries the strict Content-Security-Policy; evidence downloads keep their own sandbox."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reporting.services import evidence_add_file, period_create, period_open, update_create
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(response):
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/admin/login/"])
def test_public_pages_carry_the_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert directives(response) == POLICY


@pytest.mark.parametrize(
    "path", ["/programmes/DIFAP/", "/initiatives/", "/initiatives/AWPEC-16/", "/reporting/", "/reports/", "/api/docs/"]
)
def test_pages_for_logged_in_people_carry_the_policy(client, telsom, path):
    client.force_login(telsom)
    response = client.get(path)
    assert response.status_code == 200
    assert directives(response) == POLICY
    assert b"<script>" not in response.content and b"<style" not in response.content  # nothing inline to allow


def test_swagger_ui_start_up_script_is_served_from_its_own_address(client, telsom):
    client.force_login(telsom)
    page = client.get("/api/docs/").content.decode()
    assert 'src="/api/docs/?script="' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_evidence_downloads_keep_their_sandbox_policy(client, telsom, secretariat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    period = period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))
    update = update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-1.1"),
        body=telsom.body,
        values={"status": "in_progress", "progress": 30, "narrative": "Study drafted."},
    )
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    evidence = evidence_add_file(user=telsom, update=update, title="Chart", upload=SimpleUploadedFile("chart.png", png))
    client.force_login(telsom)
    response = Client().get("/")  # a page: the site's policy
    assert "script-src 'self'" in response["Content-Security-Policy"]
    download = client.get(f"/reporting/evidence/{evidence.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_browsable_api_may_use_inline_styles_but_never_inline_scripts(client, telsom):
    client.force_login(telsom)
    page = directives(client.get("/api/v1/initiatives/", HTTP_ACCEPT="text/html"))
    assert page["style-src"] == "'self' 'unsafe-inline'"
    assert page["script-src"] == "'self'"
    json = client.get("/api/v1/initiatives/")
    assert directives(json) == POLICY
