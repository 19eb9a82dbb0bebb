"""Every kind of page works in a real browser under the strict Content-Security-Policy: nothing is refused."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

# Collects what the browser refuses, in every document the page loads, before the page's own scripts run.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} in ${where}`);
}, true);
"""


def watched(page):
    """Start recording CSP refusals on this page, reported both as events and on the console."""
    page.context.add_init_script(WATCH_VIOLATIONS)
    page.console_refusals = []
    page.on(
        "console",
        lambda message: (
            page.console_refusals.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return page


def visit(page, path):
    response = page.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"], path
    page.wait_for_load_state("load")
    assert_nothing_refused(page)
    return response


def assert_nothing_refused(page):
    violations = page.evaluate("window.__cspViolations || []")
    assert violations == [], f"{page.url}: {violations}"
    assert page.console_refusals == [], f"{page.url}: {page.console_refusals}"


def test_public_pages_and_the_login_page(site, browser):
    context = browser.new_context(base_url=site)
    page = watched(context.new_page())
    try:
        visit(page, "/")
        visit(page, "/accounts/login/")
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
    finally:
        context.close()


def test_catalogue_and_reporting_pages_as_a_reporter(as_user):
    telsom = watched(as_user("telsom"))
    for path in (
        "/",
        "/programmes/DIFAP/",
        "/programmes/AWPEC/",
        "/initiatives/",
        "/initiatives/?programme=DIFAP&status=not_started",
        "/initiatives/AWPEC-16/",
        "/reporting/",
        "/reporting/periods/",
        "/reporting/updates/",
        "/reports/",
        "/accounts/profile/",
    ):
        visit(telsom, path)


def test_correcting_a_status_and_htmx_loading_under_the_policy(as_user):
    secretariat = watched(as_user("secretariat"))
    visit(secretariat, "/initiatives/AWPEC-16/")
    # htmx (served from the site, polling report builds) loads and starts without any refusal.
    assert secretariat.evaluate("typeof window.htmx") == "object"
    secretariat.get_by_text("Correct the status").click()
    secretariat.get_by_label("Corrected status").select_option("in_progress")
    secretariat.get_by_label("Why the Secretariat corrects it").fill("Per the SEOM meeting.")
    secretariat.get_by_role("button", name="Record the correction").click()
    expect(secretariat.locator(".messages")).to_contain_text("AWPEC-16: corrected to In progress.")
    assert_nothing_refused(secretariat)


def test_swagger_ui_renders_the_api_documentation(as_user):
    telsom = watched(as_user("telsom"))
    visit(telsom, "/api/docs/")
    expect(telsom.locator(".swagger-ui .info .title")).to_contain_text("ASEAN Digital Action Plans Tracker API")
    operation = telsom.locator(".opblock-summary").filter(has_text="/api/v1/periods/").first
    expect(operation).to_be_visible()
    operation.click()  # opens the operation: Swagger UI's own interaction works too
    expect(telsom.get_by_role("button", name="Try it out").first).to_be_visible()
    assert_nothing_refused(telsom)


def test_the_browsable_api(as_user):
    telsom = watched(as_user("telsom"))
    visit(telsom, "/api/v1/")
    visit(telsom, "/api/v1/initiatives/?programme=DIFAP")
    expect(telsom.get_by_role("heading", name="Initiative List")).to_be_visible()
    visit(telsom, "/api/v1/updates/")  # with the form to file one


def test_the_admin(as_user):
    admin = watched(as_user("admin"))
    visit(admin, "/admin/")
    visit(admin, "/admin/accounts/user/")
    admin.get_by_role("link", name="telsom", exact=True).click()
    expect(admin.get_by_role("heading", name=re.compile("telsom"))).to_be_visible()
    assert_nothing_refused(admin)
    visit(admin, "/admin/accounts/user/add/")
    visit(admin, "/admin/axes/accessattempt/")


def test_building_and_reading_a_progress_report(as_user):
    accec = watched(as_user("accec"))
    visit(accec, "/reports/")
    accec.get_by_label("Period").select_option("2019-H2")
    accec.get_by_label("Executive summary").fill("Baseline report, read under the Content-Security-Policy.")
    accec.get_by_role("button", name="Build and issue").click(timeout=120000)  # builds in-process here
    # The build's progress (polled by htmx while building), then the report with its tables and downloads.
    expect(accec.get_by_role("heading", name="Download")).to_be_visible(timeout=120000)
    expect(accec.get_by_role("heading", name="Summary tables")).to_be_visible()
    assert_nothing_refused(accec)
