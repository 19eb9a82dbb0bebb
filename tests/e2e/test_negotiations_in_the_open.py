"""An anonymous visitor follows DEFA; the Secretariat restricts, then publishes a text, and its redline shows."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

PHONE = {"width": 375, "height": 740}


def test_an_anonymous_visitor_walks_defa_the_register_and_the_signatories(site, browser):
    context = browser.new_context(base_url=site, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto("/")
        page.get_by_role("link", name="Negotiations").click()
        page.get_by_role("link", name="ASEAN Digital Economy Framework Agreement (DEFA)").click()
        expect(page.get_by_role("heading", name="ASEAN Digital Economy Framework Agreement (DEFA)")).to_be_visible()
        page.get_by_role("link", name="Open the register").click()
        expect(page.get_by_text("asked for by civil society on 24 October 2025, not published")).to_have_count(13)
        page.get_by_role("link", name="The full study on DEFA by the Boston Consulting Group").click()
        expect(page.get_by_text("methodology used to calculate the projected $1 trillion")).to_be_visible()
        page.goto("/negotiations/stakeholders/")
        expect(page.get_by_role("cell", name="Focus on the Global South")).to_be_visible()
        for url in [
            "/negotiations/",
            "/negotiations/DEFA/",
            "/negotiations/DEFA/register/",
            "/negotiations/DEFA/requests/",
        ]:
            page.goto(url)
            # No Secretariat controls for the public, and no sideways scrolling of the page.
            expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], url
    finally:
        context.close()


def test_restricted_with_a_review_date_then_published_and_the_redline_shows(site, browser, as_user):
    secretariat = as_user("secretariat")
    secretariat.goto("/negotiations/DEFA/register/?kind=mandate")
    secretariat.get_by_role("link", name="The negotiating mandate adopted by ASEAN").click()
    mandate_url = secretariat.url

    secretariat.get_by_label("Text ([bracketed]").fill("The Parties shall negotiate [binding] rules on data flows.")
    secretariat.get_by_role("button", name="Add version").click()
    secretariat.get_by_label("Disclosure", exact=True).select_option("restricted")
    secretariat.get_by_label("Reason (if restricted)").select_option("negotiation_under_way")
    secretariat.get_by_label("Review date (if restricted)").fill((date.today() + timedelta(days=30)).isoformat())
    secretariat.get_by_label("Explanation (published)").fill("Released once the round closes.")
    secretariat.get_by_role("button", name="Record decision").click()
    expect(secretariat.get_by_text("Decision recorded")).to_be_visible()

    visitor = browser.new_context(base_url=site).new_page()
    visitor.goto(mandate_url)
    expect(visitor.get_by_text("Disclosure now would prejudice negotiations under way").first).to_be_visible()
    expect(visitor.get_by_text("binding")).to_have_count(0)

    secretariat.get_by_label("Disclosure", exact=True).select_option("public")
    secretariat.get_by_label("Explanation (published)").fill("The round closed.")
    secretariat.get_by_role("button", name="Record decision").click()
    secretariat.get_by_label("Text ([bracketed]").fill("The Parties shall negotiate rules on data flows [by 2027].")
    secretariat.get_by_label("Publish this version now").check()
    secretariat.get_by_role("button", name="Add version").click()

    visitor.goto(mandate_url)
    expect(visitor.get_by_text("restricted to public")).to_be_visible()
    visitor.get_by_role("link", name="Version 2").click()
    expect(visitor.locator(".draft-text mark.bracketed")).to_have_text("[by 2027]")
    expect(visitor.locator(".redline del").first).to_have_text("[binding] ")
    expect(visitor.locator(".redline ins").last).to_contain_text("[by 2027].")
    visitor.context.close()
