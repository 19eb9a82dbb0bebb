"""An anonymous visitor downloads the open data and reads the API, no login."""

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def visitor(site, browser):
    context = browser.new_context(base_url=site, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_an_anonymous_visitor_downloads_accepted_updates_and_reads_the_api(visitor):
    visitor.goto("/open-data/")
    expect(visitor.get_by_role("heading", name="Open data", level=1)).to_be_visible()
    licence = "Creative Commons Attribution 4.0 International licence (CC BY 4.0)"
    expect(visitor.get_by_role("link", name=licence)).to_be_visible()
    expect(visitor.get_by_role("table", name="Data dictionary: Accepted progress updates")).to_be_visible()

    with visitor.expect_download() as csv_download:
        visitor.get_by_role("link", name="Accepted progress updates (CSV)").click()
    assert csv_download.value.suggested_filename == "asean-digital-updates.csv"
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["period", "initiative", "initiative_title"]
    assert any(row[0] == "2019-H2" for row in rows[1:])  # the accepted 2019 baseline

    with visitor.expect_download() as xlsx_download:
        visitor.get_by_role("link", name="Accepted progress updates (XLSX)").click()
    assert xlsx_download.value.suggested_filename == "asean-digital-updates.xlsx"
    # The saved download has no extension, which openpyxl needs to see when given a path: give it the bytes.
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == len(rows)

    response = visitor.request.get("/api/v1/public/updates/")
    assert response.status == 200
    assert json.loads(response.body())["count"] == len(rows) - 1
    assert visitor.request.get("/api/v1/initiatives/?programme=DIFAP").status == 200
    assert visitor.request.get("/api/v1/updates/").status in (401, 403)
