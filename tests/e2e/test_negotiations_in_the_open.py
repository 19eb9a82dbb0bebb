"""An anonymous visitor follows DEFA; the Secretariat restricts, then publishes a text, and its redline shows."""

import re
import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM, console_output

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


def test_a_consultation_end_to_end_from_a_published_chapter_version_to_its_report(site, browser, as_user):
    secretariat = as_user("secretariat")
    secretariat.goto("/negotiations/DEFA/register/?kind=draft_chapter")
    secretariat.get_by_role("link", name="Draft and final versions of individual chapters").click()
    secretariat.get_by_label("Disclosure", exact=True).select_option("public")
    secretariat.get_by_label("Explanation (published)").fill("Released for public consultation.")
    secretariat.get_by_role("button", name="Record decision").click()
    secretariat.get_by_label("Label").fill("Chapter draft for consultation")
    secretariat.get_by_label("Text ([bracketed]").fill("Parties shall [not] require disclosure of source code.")
    secretariat.get_by_label("Publish this version now").check()
    secretariat.get_by_role("button", name="Add version").click()
    expect(secretariat.get_by_text("Version 1 added.")).to_be_visible()

    secretariat.goto("/negotiations/DEFA/consultations/new/")
    secretariat.get_by_label("Title").fill("Consultation on the source-code draft")
    secretariat.get_by_label("On the public version").select_option(
        label="Draft and final versions of individual chapters, bracketed and unbracketed text, version 1"
    )
    secretariat.get_by_label("Opens on").fill(date.today().isoformat())
    secretariat.get_by_label("Closes on").fill((date.today() + timedelta(days=30)).isoformat())
    secretariat.get_by_label("Questions (one a line)").fill("Should source code ever be disclosed to regulators?")
    secretariat.get_by_role("button", name="Open consultation").click()
    expect(secretariat.get_by_role("heading", name="Consultation on the source-code draft")).to_be_visible()
    consultation_url = secretariat.url

    visitor = browser.new_context(base_url=site).new_page()
    visitor.goto(consultation_url)
    visitor.get_by_label("Your response").fill("Regulators must be able to audit algorithms.")
    visitor.get_by_label("Your name (never shown publicly)").fill("Dewi Lestari")
    visitor.get_by_label("Organisation (optional)").fill("SAFEnet")
    visitor.get_by_label("Kind of organisation").select_option("digital_rights")
    visitor.get_by_label("Country").select_option(label="Indonesia")
    visitor.get_by_label("Email (never shown publicly").fill("dewi@example.org")
    visitor.get_by_role("button", name="Send response").click()
    expect(visitor.get_by_role("heading", name="Check your email")).to_be_visible()
    for _ in range(50):  # the email is printed on the site's console once the request has committed
        links = re.findall(r"http://\S+/negotiations/confirm/[^\s/]+/", console_output())
        if links:
            break
        time.sleep(0.1)
    visitor.goto(links[-1].split("127.0.0.1:8000", 1)[-1])
    expect(visitor.get_by_role("heading", name=re.compile("your address is confirmed"))).to_be_visible()

    secretariat.goto("/negotiations/to-do/")
    secretariat.get_by_role("button", name="Publish").first.click()
    expect(secretariat.get_by_text("Moderated.")).to_be_visible()
    secretariat.goto(consultation_url)
    secretariat.get_by_label(re.compile("SAFEnet")).check()
    secretariat.get_by_label("Reply (published)").fill("Thank you: the chapter will keep a regulators' exception.")
    secretariat.get_by_role("button", name="Publish reply").click()
    expect(secretariat.get_by_text("Reply published.")).to_be_visible()
    secretariat.get_by_role("button", name="Close the consultation now").click()
    expect(secretariat.get_by_text("Consultation closed")).to_be_visible()

    visitor.goto(consultation_url)
    expect(visitor.get_by_text("SAFEnet (Indonesia)")).to_be_visible()
    expect(visitor.get_by_text("keep a regulators' exception")).to_be_visible()
    expect(visitor.get_by_text("Dewi Lestari")).to_have_count(0)
    with visitor.expect_download() as pdf:
        visitor.get_by_role("link", name="PDF").click()
    assert pdf.value.suggested_filename.endswith("-report.pdf")
    with open(pdf.value.path(), "rb") as report:
        assert report.read(5) == b"%PDF-"
    with visitor.expect_download() as xlsx:
        visitor.get_by_role("link", name="Excel (XLSX)").click()
    assert xlsx.value.suggested_filename.endswith("-report.xlsx")
    visitor.context.close()


def test_the_pages_work_under_the_content_security_policy(site, browser, as_user):
    from .test_content_security_policy import assert_nothing_refused, visit, watched

    context = browser.new_context(base_url=site)
    page = watched(context.new_page())
    try:
        for url in [
            "/negotiations/",
            "/negotiations/DEFA/",
            "/negotiations/DEFA/register/?kind=study",
            "/negotiations/DEFA/requests/",
            "/negotiations/consultations/",
            "/negotiations/meetings/",
            "/negotiations/stakeholders/",
        ]:
            visit(page, url)
        # The honeypot is in the page but not on screen: people never fill it.
        page.goto("/negotiations/DEFA/requests/")
        box = page.locator(".honeypot").bounding_box()
        assert box is None or box["x"] + box["width"] <= 0
        assert_nothing_refused(page)
    finally:
        context.close()
    secretariat = watched(as_user("secretariat"))
    visit(secretariat, "/negotiations/to-do/")
    visit(secretariat, "/negotiations/DEFA/consultations/new/")
