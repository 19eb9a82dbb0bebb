"""Polyglot evidence files: a file that is two things at once is either refused or handed out inert, never rendered."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.http import parse_header_parameters

from accounts.models import User
from reporting import services
from reporting.models import Evidence
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><body><script>document.title='pwned'</script></body></html>"


def _zip_with_html():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", SCRIPT)
    return buffer.getvalue()


POLYGLOTS = {
    # a PDF header followed by a page of HTML: browsers that sniff would run the script
    "pdf-html.pdf": b"%PDF-1.4\n" + SCRIPT + b"\n%%EOF\n",
    # a PNG signature with a ZIP of HTML appended (GIFAR-style)
    "png-zip.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _zip_with_html(),
    # a JPEG start with HTML inside a comment segment
    "jpeg-html.jpg": b"\xff\xd8\xff\xfe\x00\x50" + SCRIPT + b"\xff\xd9",
}


@pytest.fixture
def draft(period_2026_h2):
    telsom = User.objects.get(username="telsom")
    return services.update_create(
        user=telsom,
        period=period_2026_h2,
        initiative=Initiative.objects.get(code="AWPEC-1.1"),
        body=telsom.body,
        values={"status": "in_progress", "progress": 10, "narrative": "Polyglot drill."},
    )


@pytest.fixture
def period_2026_h2(secretariat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


@pytest.mark.parametrize("name", sorted(POLYGLOTS))
def test_a_polyglot_file_is_only_ever_downloaded_as_an_inert_attachment(client, draft, name):
    client.force_login(User.objects.get(username="telsom"))
    response = client.post(
        f"/reporting/updates/{draft.pk}/evidence/",
        {"title": "<b>Map</b>", "file": SimpleUploadedFile(name, POLYGLOTS[name], content_type="text/html")},
    )
    evidence = Evidence.objects.filter(update=draft, kind=Evidence.Kind.FILE).first()
    if evidence is None:
        # Refused: the form again, saying why, and nothing stored.
        assert response.status_code == 200
        assert "is not an allowed file" in response.content.decode()
        return
    assert response.status_code == 302
    assert evidence.content_type != "text/html"  # what the content says, never what the browser claimed

    download = client.get(f"/reporting/evidence/{evidence.pk}/download/")

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert download["Content-Type"] in ("application/pdf", "image/png", "image/jpeg")
    page = client.get(f"/reporting/updates/{draft.pk}/").content.decode()
    assert "<b>Map</b>" not in page and "&lt;b&gt;Map&lt;/b&gt;" in page


def test_a_file_name_cannot_break_out_of_its_download_header(client, draft):
    telsom = User.objects.get(username="telsom")
    hostile = 'map"; filename=evil.html; x=".pdf'
    upload = SimpleUploadedFile(hostile, POLYGLOTS["pdf-html.pdf"])
    evidence = services.evidence_add_file(user=telsom, update=draft, title="Map", upload=upload)
    client.force_login(telsom)

    disposition = client.get(f"/reporting/evidence/{evidence.pk}/download/")["Content-Disposition"]

    kind, parameters = parse_header_parameters(disposition)
    assert kind == "attachment"
    assert set(parameters) <= {"filename", "filename*"}  # no parameter smuggled in through the name
    assert parameters["filename"].endswith(".pdf") and "\r" not in disposition and "\n" not in disposition
