"""Every page of the product, checked by axe-core in a real browser: no serious or critical accessibility violation.

The API documentation (/api/docs/, Swagger UI) and the browsable API are third-party pages and are not checked here.
"""

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible, describe, serious_violations
from .conftest import CHROMIUM, show_error_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

PUBLIC_PAGES = (
    "/",
    "/programmes/AWPEC/",
    "/programmes/DIFAP/",
    "/initiatives/",
    "/initiatives/?programme=DIFAP&status=not_started",
    "/initiatives/?search=roaming",
    "/initiatives/AWPEC-1.1/",  # with its accepted history: the 2019 baseline
    "/member-states/",
    "/member-states/VN/",
    "/bodies/",
    "/bodies/TELSOM/",
    "/reports/",
    "/open-data/",
    "/accounts/login/",
)


@pytest.fixture
def visitor(site, browser):
    context = browser.new_context(base_url=site)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def public_pages(published_report, accepted_line):
    """Every public page, including a published report and a line with this period's accepted update."""
    return (*PUBLIC_PAGES, published_report, accepted_line)


def check_pages(page, paths, expected_status=200):
    """Visit each path and collect axe's serious violations of every page, so that one run reports them all."""
    failures = []
    for path in paths:
        response = page.goto(path)
        assert response.status == expected_status, path
        violations = serious_violations(page)
        if violations:
            failures.append(f"{path}:\n{describe(violations)}")
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


def test_every_public_page_has_no_serious_accessibility_violation(visitor, published_report, accepted_line):
    check_pages(visitor, public_pages(published_report, accepted_line))


@pytest.mark.parametrize(("status", "heading"), [(404, "Page not found"), (500, "Something went wrong")])
def test_the_error_pages_have_no_serious_accessibility_violation(visitor, status, heading):
    response = show_error_page(visitor, "/initiatives/NO-SUCH-LINE/", status)
    assert response.status == status
    expect(visitor.get_by_role("heading", name=heading)).to_be_visible()
    assert_accessible(visitor)


def test_a_visitor_sees_the_accessible_page_axe_checked(visitor):
    # The check is real: a page stripped of its language and given an unlabelled field fails it.
    visitor.goto("/")
    visitor.evaluate(
        "document.documentElement.removeAttribute('lang');"
        "document.querySelector('main').append(document.createElement('input'))"
    )
    rules = {violation["id"] for violation in serious_violations(visitor)}
    assert {"html-has-lang", "label"} <= rules


LINE = "DIFAP-2.3"  # led by TELSOM alone, no 2019 status; no other browser test files on it


def test_filing_and_reviewing_an_update_page_by_page(as_user):
    telsom = as_user("telsom")
    telsom.goto("/reporting/")
    assert_accessible(telsom)  # what TELSOM owes
    telsom.get_by_role("row").filter(has_text=LINE).get_by_role("link", name="File update").click()
    expect(telsom.get_by_label("Narrative")).to_be_visible()
    assert_accessible(telsom)  # the empty update form
    telsom.get_by_label("Status").select_option("in_progress")
    telsom.get_by_label("Progress (%)").fill("100")
    telsom.get_by_label("Narrative").fill("TELSOM drafted the cross-border data flow mechanism.")
    telsom.get_by_role("button", name="Save and submit for review").click()
    expect(telsom.get_by_text("Progress can only be 100% when the status is Completed.")).to_be_visible()
    assert_accessible(telsom)  # the form with its errors
    telsom.get_by_label("Progress (%)").fill("50")
    telsom.get_by_role("button", name="Save and submit for review").click()
    expect(telsom.get_by_text("Update submitted.")).to_be_visible()
    assert_accessible(telsom)  # the update, with the confirmation message
    update_url = telsom.url

    accec = as_user("accec")
    accec.goto("/reporting/")
    expect(accec.get_by_role("region", name="Awaiting your review")).to_contain_text(LINE)
    assert_accessible(accec)  # the review queue
    accec.goto(update_url)
    assert_accessible(accec)  # the review form
    accec.get_by_role("button", name="Accept").click()
    expect(accec.get_by_text("Update accepted.")).to_be_visible()
    assert_accessible(accec)


def test_the_working_pages_of_reporters_reviewers_and_the_secretariat(as_user, published_report):
    telsom = as_user("telsom")
    check_pages(telsom, ["/initiatives/DIFAP-2.2/", "/reporting/updates/", "/reporting/periods/", "/accounts/profile/"])
    telsom.goto("/reporting/")
    period = telsom.locator(".lede a").first.inner_text()  # the open period, e.g. 2026-H2
    check_pages(telsom, [f"/reporting/spreadsheet/?period={period}", f"/reporting/periods/{period}/"])
    # The page that refuses an action and says why.
    check_pages(telsom, [f"/reporting/updates/new/?period={period}&initiative=AWPEC-8.1&body=ACCP"], 403)
    accec = as_user("accec")
    check_pages(accec, ["/reports/", published_report])  # the reports, with the form to build one, and a report
    secretariat = as_user("secretariat")
    # Logged in, the same pages carry the status controls and the period matrix.
    check_pages(
        secretariat,
        ["/", "/initiatives/?search=roaming", "/initiatives/AWPEC-16/", "/reporting/periods/"]
        + ["/reporting/periods/2019-H2/", "/reporting/updates/"],
    )
