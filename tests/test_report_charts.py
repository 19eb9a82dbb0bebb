"""A report's charts: the same pictures and the same figures on its page and in its PDF, DOCX and XLSX."""

import shutil
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from accounts.models import User
from reports.rollup import compute, trend

from .test_dashboards import pictures, tables
from .test_report_issue_and_exports import media_in_tmp, report  # noqa: F401  (fixtures)
from .test_report_rollup import plan  # noqa: F401  (the hand-made plan, a fixture)

pytestmark = pytest.mark.django_db

# The hand-made plan in 2025-H2, counted by hand (see tests/test_report_rollup.py): lines by status per priority
# area; the trend's last period; the overdue lines by target year.
BY_AREA = [
    ["Priority area 1: First", "3", "0", "1", "1", "1", "0", "0"],
    ["Priority area 2: Second", "2", "0", "1", "0", "0", "0", "1"],
]
LAST_PERIOD = ["2025-H2", "5", "1", "20.0%", "3 of 5", "60.0%", "66.7%"]
OVERDUE = [["2020", "1", "0", "0", "0", "0", "0", "1"], ["2023", "1", "0", "0", "0", "1", "0", "0"]]


def test_the_report_freezes_the_trend_and_the_overdue_lines_of_the_roll_up(report, plan):  # noqa: F811
    assert report.snapshot["trend"] == trend(plan[0], until=plan[1])
    assert report.snapshot["overdue_by_target_year"] == compute(plan[1], plan[0])["overdue_by_target_year"]


def test_the_report_page_shows_three_charts_with_their_numbers(client, report):  # noqa: F811
    client.force_login(User.objects.get(username="telsom"))
    html = client.get(f"/reports/{report.pk}/").content.decode()
    by_area, by_period, overdue = tables(html)
    assert by_area[1:] == BY_AREA and by_period[-1] == LAST_PERIOD and overdue[1:] == OVERDUE
    images = pictures(html)
    assert [src for src, _ in images] == [
        f"/reports/{report.pk}/charts/{slug}.svg" for slug in ("status", "trend", "overdue")
    ]
    for src, alt in images:
        response = client.get(src)
        assert response["Content-Type"] == "image/svg+xml" and response.content.startswith(b"<svg"), src
        assert alt
    assert 'style="' not in html


def test_an_unpublished_reports_charts_are_not_found_by_the_public(client, report):  # noqa: F811
    assert client.get(f"/reports/{report.pk}/charts/status.svg").status_code == 404
    client.force_login(User.objects.get(username="telsom"))
    assert client.get(f"/reports/{report.pk}/charts/status.svg").status_code == 200
    assert client.get(f"/reports/{report.pk}/charts/nope.svg").status_code == 404


def test_the_docx_carries_each_chart_as_a_picture_with_its_text_alternative_and_numbers(report):  # noqa: F811
    document = Document(report.docx.open("rb"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("Charts") < headings.index("Summary tables")
    assert len(document.inline_shapes) == 3
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert descriptions[0].startswith("Stacked bars of 2 priority area groups. Priority area 1: First: 3 lines")
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    for row in BY_AREA + [LAST_PERIOD] + OVERDUE:
        assert row in rows, row


def test_the_xlsx_has_excel_charts_over_the_same_numbers_stored_as_numbers(report):  # noqa: F811
    book = load_workbook(report.xlsx.open("rb"))
    sheet = book["Charts"]
    assert len(sheet._charts) == 3
    rows = [[cell for cell in row] for row in sheet.iter_rows()]
    values = [[cell.value for cell in row] for row in rows]
    area = next(row for row in values if row[0] == "Priority area 1: First")
    assert area[:8] == ["Priority area 1: First", 3, 0, 1, 1, 1, 0, 0]
    last = next(row for row in rows if row[0].value == "2025-H2")
    assert [cell.value for cell in last[:7]] == ["2025-H2", 5, 1, 0.2, 3, 0.6, 0.667]
    assert all(cell.data_type == "n" for cell in last[1:7])
    assert [last[i].number_format for i in (3, 5, 6)] == ["0.0%"] * 3
    # Target years label the categories (text), their counts are numbers.
    years = [row[:2] for row in values if row[0] in ("2020", "2023")]
    assert years == [["2020", 1], ["2023", 1]]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (Debian's poppler-utils) is not installed")
def test_the_pdf_carries_the_charts_and_the_same_numbers(report):  # noqa: F811
    text = subprocess.run(
        ["pdftotext", "-layout", report.pdf.path, "-"], capture_output=True, check=True
    ).stdout.decode()
    charts = text[text.index("Charts") : text.index("Summary tables")]
    for title in ("Lines by status per priority area, 2025-H2", "Overdue lines by target year, 2025-H2"):
        assert title in charts
    assert "Share completed and average stated progress, by period" in charts
    cells = [line.split() for line in charts.splitlines()]
    assert ["2025-H2", "5", "1", "20.0%", "3", "of", "5", "60.0%", "66.7%"] in cells
    assert ["2020", "1", "0", "0", "0", "0", "0", "1"] in cells
    images = subprocess.run(["pdfimages", "-list", report.pdf.path], capture_output=True, check=True).stdout.decode()
    assert len(images.strip().splitlines()) - 2 >= 3  # a header of two lines, then one line per picture
