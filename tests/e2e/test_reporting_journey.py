"""The reporting journey in a real browser: TELSOM files, ACCEC returns, TELSOM revises, ACCEC accepts."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

LINE = "DIFAP-2.2"  # an ASEAN data classification scheme: led by TELSOM, no 2019 status, so not started


def test_telsom_files_accec_returns_telsom_resubmits_accec_accepts(as_user):
    telsom = as_user("telsom")
    telsom.get_by_role("link", name="Reporting").click()
    expect(telsom.get_by_role("heading", name=re.compile("TELSOM: reports owed"))).to_be_visible()
    row = telsom.get_by_role("row").filter(has_text=LINE)
    row.get_by_role("link", name="File update").click()

    # A first attempt with a mistake: the message names it and nothing typed is lost.
    telsom.get_by_label("Status").select_option("in_progress")
    telsom.get_by_label("Progress (%)").fill("100")
    telsom.get_by_label("Narrative").fill("TELSOM mapped priority locations in five Member States.")
    telsom.get_by_role("button", name="Save and submit for review").click()
    expect(telsom.get_by_text("Progress can only be 100% when the status is Completed.")).to_be_visible()
    expect(telsom.get_by_label("Narrative")).to_have_value("TELSOM mapped priority locations in five Member States.")

    telsom.get_by_label("Progress (%)").fill("40")
    telsom.get_by_role("button", name="Save and submit for review").click()
    expect(telsom.get_by_text("Update submitted.")).to_be_visible()
    update_url = telsom.url
    # TELSOM cannot review its own update: no such button is offered...
    expect(telsom.get_by_role("button", name="Accept")).to_have_count(0)
    # ...and posting the action anyway is refused by the domain rules.
    refused = telsom.request.post(update_url + "accept/", headers={"X-CSRFToken": _csrf(telsom)})
    assert refused.status == 403
    assert "Only ACCEC reviewers can accept" in refused.text()

    accec = as_user("accec")
    accec.get_by_role("link", name="Reporting").click()
    queue = accec.get_by_role("region", name="Awaiting your review")
    queue.get_by_role("row").filter(has_text=LINE).get_by_role("link", name="Review").click()
    accec.get_by_label("What needs revising").fill("Name the five Member States and attach the mapping.")
    accec.get_by_role("button", name="Return for revision").click()
    expect(accec.get_by_text("Update returned for revision.")).to_be_visible()

    telsom.goto(update_url)
    expect(telsom.get_by_text("Name the five Member States and attach the mapping.").first).to_be_visible()
    telsom.get_by_role("link", name="Edit").click()
    telsom.get_by_label("Progress (%)").fill("60")
    telsom.get_by_label("Narrative").fill("Mapping done in BN, KH, LA, MM and PH; report attached.")
    telsom.get_by_role("button", name="Save and submit for review").click()
    expect(telsom.get_by_text("Update saved (submitted).")).to_be_visible()

    accec.goto(update_url)
    accec.get_by_role("button", name="Accept").click()
    expect(accec.get_by_text("Update accepted.")).to_be_visible()
    expect(accec.get_by_text(re.compile(r"Reviewed by\s*accec"))).to_be_visible()
    expect(accec.get_by_text(re.compile(r"Written by\s*telsom"))).to_be_visible()

    # The line's status changed, and its history says who did it.
    accec.goto(f"/initiatives/{LINE}/")
    expect(accec.locator(".status").first).to_have_text("In progress")
    history = accec.get_by_role("table").filter(has_text="When")
    expect(history).to_contain_text("accec")
    expect(history).to_contain_text("in_progress")


def test_a_body_cannot_file_for_a_line_it_is_not_responsible_for(as_user):
    telsom = as_user("telsom")
    telsom.goto("/reporting/")
    code = telsom.locator(".lede a").first.inner_text()  # the open period, e.g. 2026-H2
    response = telsom.goto(f"/reporting/updates/new/?period={code}&initiative=AWPEC-8.1&body=ACCP")
    assert response.status == 403
    expect(telsom.get_by_role("alert")).to_contain_text("Only ACCP's own reporters or the ASEAN Secretariat")


def test_secretariat_corrects_a_status_saying_why(as_user):
    staff = as_user("secretariat")
    staff.goto("/initiatives/?search=roaming")
    staff.get_by_role("link", name=re.compile("correct the status of AWPEC-1.2")).click()
    staff.get_by_text("Correct the status").click()
    staff.get_by_label("Corrected status").select_option("delayed")
    staff.get_by_label("Why the Secretariat corrects it").fill("SEOM heard the roaming study lost its funding.")
    staff.get_by_role("button", name="Record the correction").click()
    expect(staff.locator(".messages")).to_contain_text("Say why the line is delayed: choose a reason.")
    staff.get_by_text("Correct the status").click()
    staff.get_by_label("Corrected status").select_option("delayed")
    staff.get_by_label(re.compile("^Reason")).select_option("awaiting_funding")
    staff.get_by_label("Explain the reason").fill("No budget line in 2026.")
    staff.get_by_label("Why the Secretariat corrects it").fill("SEOM heard the roaming study lost its funding.")
    staff.get_by_role("button", name="Record the correction").click()
    expect(staff.get_by_text("AWPEC-1.2: corrected to Delayed.")).to_be_visible()
    expect(staff.locator("section.accepted-period").first).to_contain_text("corrected by the ASEAN Secretariat")


def _csrf(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
