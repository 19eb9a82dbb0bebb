"""The public portal's acceptance walk: an anonymous visitor goes from the home page to a line's accepted history,
a Member State, a body, a published report's download and an open-data download, and finds nothing that is not
public, not even by guessing the addresses of drafts, restricted files and unpublished reports.

TELSOM and ACCEC set the record up through the REST API (HTTP Basic with the demo passwords), as a body's own
system would; the Secretariat publishes a report in the browser.
"""

import base64
import csv
import io
import re

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

MARKER = "PRIVATE-7d1f3a"  # in everything the public must never see
PASSWORD = "asean-demo-2026"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def api(browser, site, username):
    basic = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return browser.new_context(base_url=site, extra_http_headers={"Authorization": f"Basic {basic}"}).request


def ok(response, status=200):
    assert response.status == status, (response.url, response.status, response.text()[:500])
    return response.json()


def file_the_record(browser, site):
    """TELSOM files an accepted update with two files and a draft; ACCEC accepts the first, restricting one file."""
    telsom, accec = api(browser, site, "telsom"), api(browser, site, "accec")
    period = next(p["code"] for p in ok(telsom.get("/api/v1/periods/"))["results"] if p["state"] == "open")
    # Two of the lines TELSOM still owes a whole-line report on (the reporting journey test takes DIFAP-2.2).
    owed = ok(telsom.get(f"/api/v1/expected-reports/?period={period}&body=TELSOM&received=false&page_size=500"))
    lines = [e for e in owed["results"] if e["output"] is None and e["initiative_code"] != "DIFAP-2.2"][:2]

    def file(line, narrative, next_steps="Regional roaming tariffs review."):
        update = {
            "period": period,
            "initiative": line["initiative"],
            "status": "in_progress",
            "progress": 40,
            "narrative": narrative,
            "next_steps": next_steps,
        }
        return ok(telsom.post("/api/v1/updates/", data=update), 201)

    accepted = file(lines[0], "Roaming charges published by all ten regulators.")
    public_file = ok(
        telsom.post(
            f"/api/v1/updates/{accepted['id']}/evidence/",
            multipart={
                "title": "Roaming tariff survey",
                "file": {"name": "survey.pdf", "mimeType": "application/pdf", "buffer": PDF},
            },
        ),
        201,
    )
    private_file = ok(
        telsom.post(
            f"/api/v1/updates/{accepted['id']}/evidence/",
            multipart={
                "title": f"{MARKER} negotiating notes",
                "file": {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": PDF + b"% notes\n"},
            },
        ),
        201,
    )
    submitted = ok(telsom.post(f"/api/v1/updates/{accepted['id']}/submit/"))
    ok(
        accec.post(
            f"/api/v1/updates/{submitted['id']}/accept/",
            data={"evidence": [{"id": private_file["id"], "restriction_reason": "Negotiating position"}]},
        )
    )
    draft = file(lines[1], f"{MARKER} draft narrative", f"{MARKER} draft next steps")
    draft_file = ok(
        telsom.post(
            f"/api/v1/updates/{draft['id']}/evidence/",
            multipart={
                "title": f"{MARKER} draft file",
                "file": {"name": "draft.pdf", "mimeType": "application/pdf", "buffer": PDF + b"% draft\n"},
            },
        ),
        201,
    )
    return {
        "line": lines[0]["initiative_code"],
        "public_file": public_file,
        "private_file": private_file,
        "draft": draft,
        "draft_file": draft_file,
    }


def issue_report(page, title):
    page.goto("/reports/")
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Build and issue").click()
    expect(page.get_by_role("heading", name="Download")).to_be_visible(timeout=120000)
    return page.url


def test_an_anonymous_visitor_walks_the_public_record_and_reaches_nothing_else(site, browser, as_user):
    record = file_the_record(browser, site)
    secretariat = as_user("secretariat")
    unpublished_url = issue_report(secretariat, f"{MARKER} unpublished report")
    published_url = issue_report(secretariat, "Progress report to SEOM, for the public")
    secretariat.get_by_label(re.compile("Publish this version to everyone")).check()
    secretariat.get_by_role("button", name="Publish").click()
    expect(secretariat.get_by_text(re.compile("report is now public"))).to_be_visible()

    visitor = browser.new_context(base_url=site, accept_downloads=True).new_page()
    visitor.set_default_timeout(15000)
    seen = []

    def look():
        content = visitor.content()
        assert MARKER not in content, visitor.url
        seen.append(visitor.url)

    visitor.goto("/")
    look()
    line = record["line"]
    programme = line.split("-")[0]  # AWPEC-... lines are laid out in AWPEC, DIFAP-... in DIFAP
    visitor.locator(f'main a[href="/programmes/{programme}/"]').first.click()
    visitor.wait_for_url(f"**/programmes/{programme}/")
    look()
    visitor.locator(f'a[href="/initiatives/{line}/"]').first.click()
    visitor.wait_for_url(f"**/initiatives/{line}/")
    history = visitor.locator("section.accepted-period").first
    expect(history).to_contain_text("Roaming charges published by all ten regulators.")
    expect(history).to_contain_text("1 restricted document (Negotiating position)")
    look()

    # The public file downloads; as an attachment, never shown inline.
    with visitor.expect_download() as download:
        history.get_by_role("link", name="Roaming tariff survey").click()
    with open(download.value.path(), "rb") as survey:
        assert survey.read() == PDF

    visitor.goto("/member-states/")
    visitor.get_by_role("link", name="Viet Nam").click()
    visitor.wait_for_url("**/member-states/VN/")
    look()
    visitor.goto("/bodies/")
    visitor.locator('a[href="/bodies/TELSOM/"]').first.click()
    visitor.wait_for_url("**/bodies/TELSOM/")
    expect(visitor.get_by_role("heading", name="Reporting record")).to_be_visible()
    look()

    visitor.goto("/reports/")
    look()
    visitor.get_by_role("link", name="Progress report to SEOM, for the public").click()
    look()
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name=re.compile("PDF")).first.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    visitor.goto("/open-data/")
    look()
    with visitor.expect_download() as download:
        visitor.locator('a[href="/open-data/updates.csv"]').first.click()
    with open(download.value.path(), encoding="utf-8-sig") as data:
        rows = list(csv.DictReader(io.StringIO(data.read())))
    assert any("Roaming charges published by all ten regulators." in row.values() for row in rows)
    assert not any(MARKER in value for row in rows for value in row.values())

    # Guessing addresses: a draft, its file, a restricted file, an unpublished report and its download.
    for url in [
        f"/reporting/updates/{record['draft']['id']}/",
        f"/reporting/evidence/{record['draft_file']['id']}/download/",
        f"/reporting/evidence/{record['private_file']['id']}/download/",
        unpublished_url,
        f"{unpublished_url}download/pdf/",
    ]:
        response = visitor.request.get(url)
        assert response.status == 404, (url, response.status)
        assert MARKER not in response.text()
    assert published_url in seen or any(u.rstrip("/") == published_url.rstrip("/") for u in seen)
    visitor.context.close()
