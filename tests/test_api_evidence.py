"""Evidence through the API: links and meeting references as JSON, files as multipart, checked by size and content."""

import hashlib
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting.models import Evidence, Update

from .test_api_base import (
    API,
    accp_draft,
    api_media_root,
    fresh_cache,
    period,
    snapshot,
    telsom_api,
    telsom_draft,
)

# pytest finds these fixtures by name in this module.
FIXTURES = (accp_draft, api_media_root, fresh_cache, period, telsom_api, telsom_draft)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert('x')</script></body></html>"


def pdf_of(size):
    return PDF + b"%" + b"0" * (size - len(PDF) - 1)


def url(update):
    return f"{API}/updates/{update.pk}/evidence/"


def test_add_a_link(telsom_api, telsom_draft):
    version = Update.objects.get(pk=telsom_draft.pk).version
    response = telsom_api.post(
        url(telsom_draft), {"title": "Survey", "url": "https://example.org/survey", "kind": "link"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "link"
    assert response.json()["download"] is None
    assert Update.objects.get(pk=telsom_draft.pk).version == version + 1
    shown = telsom_api.get(f"{API}/updates/{telsom_draft.pk}/").json()["evidence"]
    assert [e["title"] for e in shown] == ["Survey"]


def test_add_a_meeting_reference(telsom_api, telsom_draft):
    response = telsom_api.post(url(telsom_draft), {"title": "TELSOM-23, item 4", "kind": "meeting"}, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "meeting"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "No address", "kind": "link"}, "url"),
        ({"title": "", "url": "https://example.org"}, "title"),
        ({"title": "Bad", "url": "not a url"}, "url"),
        ({"title": "Bad", "url": "https://example.org", "kind": "file"}, "kind"),
        ({"title": "Bad", "url": "https://example.org", "colour": "red"}, "colour"),
    ],
)
def test_bad_links(telsom_api, telsom_draft, payload, field):
    before = snapshot(telsom_draft)
    response = telsom_api.post(url(telsom_draft), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(telsom_draft) == before


def test_upload_a_pdf_and_download_it_as_an_attachment(file_storage, telsom_api, telsom_draft, client, telsom):
    response = telsom_api.post(
        url(telsom_draft),
        {"file": SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"), "title": "Minutes"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "file"
    assert data["content_type"] == "application/pdf"
    assert data["size"] == len(PDF)
    assert data["download"].startswith("http")
    digest = hashlib.sha256(PDF).hexdigest()
    assert file_storage.names() == [f"evidence/{digest[:2]}/{digest}"]

    client.force_login(telsom)
    download = client.get(urlparse(data["download"]).path)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_file_over_10_mb_is_400_and_not_stored(file_storage, telsom_api, telsom_draft):
    before = snapshot(telsom_draft)
    big = SimpleUploadedFile("report.pdf", pdf_of(11 * 1024 * 1024), content_type="application/pdf")
    response = telsom_api.post(url(telsom_draft), {"file": big}, format="multipart")
    assert response.status_code == 400, response.content
    assert "10 MB" in response.json()["file"][0]
    assert snapshot(telsom_draft) == before
    assert not Evidence.objects.filter(update=telsom_draft).exists()
    assert file_storage.names() == []


def test_html_named_pdf_is_400(telsom_api, telsom_draft):
    before = snapshot(telsom_draft)
    fake = SimpleUploadedFile("minutes.pdf", HTML, content_type="application/pdf")
    response = telsom_api.post(url(telsom_draft), {"file": fake}, format="multipart")
    assert response.status_code == 400
    assert "not an allowed file" in response.json()["file"][0]
    assert snapshot(telsom_draft) == before


def test_wrong_extension_is_400(telsom_api, telsom_draft):
    response = telsom_api.post(
        url(telsom_draft), {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00")}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()


def test_idempotent_file_upload(telsom_api, telsom_draft):
    def send():
        upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
        return telsom_api.post(
            url(telsom_draft), {"file": upload, "title": "M"}, format="multipart", HTTP_IDEMPOTENCY_KEY="ev-1"
        )

    first, second = send(), send()
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert Evidence.objects.filter(update=telsom_draft).count() == 1


def test_the_same_key_with_another_file_or_title_is_refused(telsom_api, telsom_draft):
    """A key names one upload: another file under the same name, or another title, is another request (422)."""

    def send(content, title):
        upload = SimpleUploadedFile("minutes.pdf", content, content_type="application/pdf")
        return telsom_api.post(
            url(telsom_draft), {"file": upload, "title": title}, format="multipart", HTTP_IDEMPOTENCY_KEY="ev-2"
        )

    assert send(PDF, "Minutes").status_code == 201
    assert send(PDF + b"% revised\n", "Minutes").status_code == 422
    assert send(PDF, "Minutes of the second meeting").status_code == 422
    assert Evidence.objects.filter(update=telsom_draft).count() == 1


def test_idempotent_upload_of_a_normal_sized_file(telsom_api, telsom_draft):
    """A 3 MB PDF is well under the 10 MB limit: with an Idempotency-Key it must be filed like without one."""
    upload = SimpleUploadedFile("annex.pdf", pdf_of(3 * 1024 * 1024), content_type="application/pdf")
    response = telsom_api.post(url(telsom_draft), {"file": upload}, format="multipart", HTTP_IDEMPOTENCY_KEY="ev-big")
    assert response.status_code == 201, response.content[:300]
    assert Evidence.objects.filter(update=telsom_draft).count() == 1


def test_too_large_with_idempotency_key_still_says_why(telsom_api, telsom_draft):
    big = SimpleUploadedFile("report.pdf", pdf_of(11 * 1024 * 1024), content_type="application/pdf")
    response = telsom_api.post(url(telsom_draft), {"file": big}, format="multipart", HTTP_IDEMPOTENCY_KEY="ev-11")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "file" in response.json()
    assert not Evidence.objects.filter(update=telsom_draft).exists()


def test_evidence_on_unknown_update_is_404(telsom_api, period):
    response = telsom_api.post(
        f"{API}/updates/99999999/evidence/", {"title": "x", "url": "https://e.org"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["detail"]


def test_evidence_on_another_bodys_update_is_403(telsom_api, accp_draft):
    before = snapshot(accp_draft)
    fake = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = telsom_api.post(url(accp_draft), {"file": fake}, format="multipart")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert snapshot(accp_draft) == before
