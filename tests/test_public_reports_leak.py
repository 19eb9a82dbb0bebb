"""Nothing non-public reaches the public through the report pages, their downloads, the feeds or the sitemap.

TELSOM files updates carrying a unique marker at every stage the public must never see (draft, submitted,
returned with a review note, withdrawn, a comment on an accepted update, a restricted document on it); ACCEC
issues reports, one never published and one withdrawn, each with the marker. An anonymous visitor then fetches
every public address of this part of the site, and the marker appears in none of the bytes (PDFs through
pdftotext, Word and Excel files unpacked).
"""

import io
import shutil
import subprocess
import zipfile

import pytest

from reporting import services
from reporting.models import Evidence, Period
from reports import services as reports
from reports.models import FORMATS
from tests.helpers import line, user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"),
]

MARKER = "NOT-FOR-THE-PUBLIC-c41b"
PUBLIC = "Roaming charges published for all ten AMS"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def file(code, *, text=MARKER, submit=True):
    telsom = user("telsom")
    period = Period.objects.get(code="2026-H2")
    values = {"status": "in_progress", "progress": 30, "narrative": f"{text} {code}", "blockers": text}
    return services.update_create(
        user=telsom, period=period, initiative=line(code), body=telsom.body, values=values, submit=submit
    )


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    secretariat, accec, telsom = user("secretariat"), user("accec"), user("telsom")
    period = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))

    file("AWPEC-1.1", submit=False)  # draft
    file("AWPEC-1.2")  # submitted, never reviewed
    services.update_return(user=accec, update=file("AWPEC-11"), comment=f"Review note {MARKER}")
    services.update_withdraw(user=telsom, update=file("AWPEC-12"))
    accepted = file("AWPEC-1.3", text=PUBLIC)
    services.comment_add(user=telsom, update=accepted, text=f"Comment {MARKER}")
    restricted = services.evidence_add_link(
        user=telsom, update=accepted, title=f"Minutes {MARKER}", url="https://example.org/restricted-c41b"
    )
    Evidence.objects.filter(pk=restricted.pk).update(disclosure="restricted", restriction_reason="Draft minutes")
    services.update_accept(user=accec, update=accepted)
    Evidence.objects.filter(pk=restricted.pk).update(disclosure_confirmed=True)

    with django_capture_on_commit_callbacks(execute=True):
        published = reports.report_issue(user=accec, period=period, title="Mid-2026 progress to SEOM")
        unpublished = reports.report_issue(
            user=accec, period=period, title=f"Unpublished {MARKER}", executive_summary=MARKER
        )
        withdrawn = reports.report_issue(
            user=accec, period=period, title="Withdrawn version", executive_summary=f"Withdrawn {MARKER}"
        )
    reports.report_publish(user=secretariat, report=published)
    reports.report_publish(user=secretariat, report=withdrawn)
    reports.report_withdraw(user=secretariat, report=withdrawn, reason="Superseded by a corrected version.")
    return {"published": published, "unpublished": unpublished, "withdrawn": withdrawn}


def readable(response):
    """The bytes a reader gets, as text: PDFs through pdftotext, Word and Excel files unpacked."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data.startswith(b"%PDF"):
        return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return data.decode("utf-8", "replace")


def test_no_marker_reaches_the_public_through_reports_feeds_or_sitemap(client, world):
    published = world["published"]
    addresses = [
        "/",
        "/reports/",
        f"/reports/{published.pk}/",
        *[f"/reports/{published.pk}/download/{format}/" for format in FORMATS],
        "/feeds/reports/",
        "/feeds/progress/",
        "/feeds/progress/programme/AWPEC/",
        "/feeds/progress/programme/DIFAP/",
        "/feeds/progress/body/TELSOM/",
        "/feeds/progress/member-state/VN/",
        "/sitemap.xml",
    ]
    seen = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        seen[address] = readable(response)
        assert MARKER not in seen[address], address

    # The visitor does see what is public: the test would notice if the pages went blank.
    assert PUBLIC in seen["/feeds/progress/"] and PUBLIC in seen["/feeds/progress/body/TELSOM/"]
    assert PUBLIC in seen[f"/reports/{published.pk}/download/pdf/"]
    assert "Superseded by a corrected version." in seen["/reports/"]
    assert f"/reports/{published.pk}/" in seen["/sitemap.xml"]


def test_guessed_addresses_of_unpublished_and_withdrawn_reports_answer_404(client, world):
    for report in (world["unpublished"], world["withdrawn"]):
        for address in ("", "progress/", *[f"download/{format}/" for format in FORMATS]):
            response = client.get(f"/reports/{report.pk}/{address}")
            assert response.status_code == 404, (report.title, address)
            assert MARKER not in response.content.decode()


def test_the_feeds_name_the_body_never_the_people(client, world):
    feed = client.get("/feeds/progress/").content.decode()
    assert "<name>TELSOM</name>" in feed
    for person in (user("telsom"), user("accec")):
        assert person.email not in feed
        assert not person.get_full_name() or person.get_full_name() not in feed
