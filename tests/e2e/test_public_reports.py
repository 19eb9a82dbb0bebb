"""An anonymous visitor finds the latest published report on the home page and downloads its PDF."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

TITLE = "DIFAP progress report to SEOM, published"


def test_the_secretariat_publishes_and_a_visitor_downloads_the_pdf(site, browser, as_user):
    secretariat = as_user("secretariat")
    secretariat.goto("/reports/")
    secretariat.get_by_label("Title").fill(TITLE)
    secretariat.get_by_role("button", name="Build and issue").click()
    expect(secretariat.get_by_role("heading", name="Download")).to_be_visible(timeout=120000)
    report_url = secretariat.url

    # Not public yet: the visitor is told the page does not exist.
    visitor = browser.new_context(base_url=site).new_page()
    assert visitor.goto(report_url).status == 404

    secretariat.get_by_label(re.compile("Publish this version to everyone")).check()
    secretariat.get_by_role("button", name="Publish").click()
    expect(secretariat.get_by_text(re.compile("report is now public"))).to_be_visible()

    visitor.goto("/")
    latest = visitor.get_by_role("region", name="Latest published report")
    latest.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(visitor.get_by_role("button", name="Publish")).to_have_count(0)

    visitor.goto("/")
    with visitor.expect_download() as download:
        visitor.get_by_role("region", name="Latest published report").get_by_role(
            "link", name="Download the PDF"
        ).click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert download.value.suggested_filename.endswith(".pdf")
    visitor.context.close()
