"""Issuing a report freezes its figures; every export, the page and the API carry those same figures."""

import csv
import io
import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from accounts.models import User
from reporting.models import Update
from reports import services
from reports.models import ProgressReport

from .test_report_rollup import plan  # noqa: F401  (the hand-made plan fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def stored(file_storage):
    """The tests that read the report's files run with them on local disk and in the object store (conftest.py);
    `usefixtures("stored")` sets the storage up before the report is built."""
    return file_storage


@pytest.fixture
def report(plan, reviewer, django_capture_on_commit_callbacks):  # noqa: F811
    programme, period = plan
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.report_issue(
            user=reviewer, period=period, programme=programme, title="TEST progress report", executive_summary="Sum."
        )
    issued.refresh_from_db()
    return issued


def test_a_reviewer_builds_a_report_with_its_four_files(stored, report):
    assert report.state == ProgressReport.State.READY and report.progress == 100 and report.version == 1
    assert report.pdf.read(5) == b"%PDF-"
    assert (
        report.docx.name.endswith(".docx") and report.xlsx.name.endswith(".xlsx") and report.csv.name.endswith(".csv")
    )
    assert stored.names() == sorted(getattr(report, format).name for format in ("pdf", "docx", "xlsx", "csv"))


def test_an_issued_report_does_not_change_when_updates_change_and_a_new_version_does(
    report,
    plan,  # noqa: F811
    reviewer,
    django_capture_on_commit_callbacks,
):
    frozen = report.snapshot
    Update.objects.filter(period=plan[1], initiative__code="T-4").update(progress=90)
    report.refresh_from_db()
    assert report.snapshot == frozen and report.snapshot["totals"]["avg_progress"] == 66.7
    with django_capture_on_commit_callbacks(execute=True):
        second = services.report_issue(user=reviewer, period=plan[1], programme=plan[0], title="TEST, revised")
    second.refresh_from_db()
    assert second.version == 2 and second.snapshot["totals"]["avg_progress"] == 76.7  # (100 + 40 + 90) / 3
    report.refresh_from_db()
    assert report.snapshot == frozen


def test_a_body_reporter_cannot_issue_a_report(plan, telsom):  # noqa: F811
    with pytest.raises(services.PermissionDenied, match="Only ACCEC reviewers and ASEAN Secretariat staff"):
        services.report_issue(user=telsom, period=plan[1], programme=plan[0], title="Mine")


@pytest.mark.usefixtures("stored")
def test_the_four_exports_carry_the_same_figures(report):
    snapshot = report.snapshot
    by_code = {line["code"]: line for line in snapshot["lines"]}

    rows = list(csv.DictReader(io.StringIO(report.csv.read().decode("utf-8-sig"))))
    assert {r["Code"]: (r["Status"], r["Progress (%)"], r["Reported this period"]) for r in rows} == {
        "T-1": ("Completed", "100", "yes"),
        "T-2": ("Delayed", "40", "yes"),
        "T-3": ("In progress", "not stated", "no"),
        "T-4": ("In progress", "60", "yes"),
        "T-5": ("No report", "not stated", "no"),
    }
    assert {code: line["status_label"] for code, line in by_code.items()} == {r["Code"]: r["Status"] for r in rows}

    book = load_workbook(io.BytesIO(report.xlsx.read()))
    sheet = book["Initiatives"]
    assert sheet.max_row == 6 and [c.value for c in sheet["A"]][1:] == ["T-1", "T-2", "T-3", "T-4", "T-5"]
    summary = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    all_lines = next(row for row in summary if row[0] == "All lines")
    assert all_lines[:8] == ["All lines", 5, 0, 2, 1, 1, 0, 1]
    assert all_lines[8:12] == ["20.0%", "66.7% (3 of 5 stated)", 2, 2]

    document = Document(io.BytesIO(report.docx.read()))
    table_rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["All lines", "5", "0", "2", "1", "1", "0", "1", "20.0%", "66.7% (3 of 5 stated)", "2", "2"] in table_rows
    assert any(row[0] == "T-4" and row[-3] == "P" and row[-2] == "C" for row in table_rows)  # TH, VN


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (Debian's poppler-utils) is not installed")
@pytest.mark.usefixtures("stored")
def test_the_pdf_carries_the_same_figures(report):
    with report.pdf.open("rb") as pdf:
        content = pdf.read()  # through the storage: the file may not be on this machine's disk
    assert content[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert "Progress stated for 3 of 5 lines (60.0%); their average progress: 66.7%." in text
    assert "Share completed: 20.0% (1 of 5)." in text
    assert "Not reported in 2025-H2: status carried from 2025-H1" in text


def test_the_page_shows_the_same_figures_to_any_logged_in_user(client, report):
    client.force_login(User.objects.get(username="telsom"))
    content = client.get(f"/reports/{report.pk}/").content.decode()
    assert "66.7% (3 of 5 stated)" in content and "20.0%" in content
    assert "Not reported in 2025-H2: status carried from 2025-H1" in content and "Never reported" in content
    for format in ("pdf", "docx", "xlsx", "csv"):
        assert f"/reports/{report.pk}/download/{format}/" in content


@pytest.mark.usefixtures("stored")
def test_downloads_are_attachments_that_are_never_sniffed(client, report):
    client.force_login(User.objects.get(username="telsom"))
    response = client.get(f"/reports/{report.pk}/download/pdf/")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    with report.pdf.open("rb") as pdf:
        assert b"".join(response.streaming_content) == pdf.read()


def test_the_page_polls_while_the_report_is_building(client, report):
    ProgressReport.objects.filter(pk=report.pk).update(state="building", progress=40)
    client.force_login(User.objects.get(username="accec"))
    content = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in content and f'hx-get="/reports/{report.pk}/progress/"' in content
    assert "40%" in content


def test_anonymous_visitors_never_see_a_report_that_is_not_published(client, report):
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.get(f"/reports/{report.pk}/download/pdf/").status_code == 404
    assert report.title not in client.get("/reports/").content.decode()


def test_a_reviewer_builds_the_2019_baseline_report_from_the_page(client, django_capture_on_commit_callbacks):
    client.force_login(User.objects.get(username="accec"))
    assert "Build a report" in client.get("/reports/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/", {"period": "2019-H2", "title": "Baseline", "executive_summary": "x"})
    report = ProgressReport.objects.get(title="Baseline")
    assert response["Location"] == f"/reports/{report.pk}/" and report.state == "ready"
    assert report.snapshot["totals"]["lines"] == 56 and report.snapshot["changes"]["previous"] is None


def test_a_body_reporter_sees_no_build_form(client):
    client.force_login(User.objects.get(username="telsom"))
    assert "Build a report" not in client.get("/reports/").content.decode()
    assert client.post("/reports/", {"period": "2019-H2", "title": "x"}).status_code == 403
