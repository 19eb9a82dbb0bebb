"""Every public page at 375 px wide: the page never scrolls sideways; a wider table scrolls inside its own box."""

import pytest

from .conftest import CHROMIUM, show_error_page
from .test_accessibility import public_pages

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

PHONE = {"width": 375, "height": 740}

# Tables wider than the screen that are not in a `.table-scroll` box narrower than the screen, which scrolls.
TABLES_THAT_PUSH_THE_PAGE = """
(width) => [...document.querySelectorAll("main table")]
  .filter((table) => table.getBoundingClientRect().width > width)
  .filter((table) => {
    const box = table.closest(".table-scroll");
    return !box || box.clientWidth > width || getComputedStyle(box).overflowX !== "auto";
  })
  .map((table) => (table.caption ? table.caption.textContent.trim() : table.outerHTML.slice(0, 120)))
"""


def layout_problems(page, width):
    problems = []
    page_width = page.evaluate("document.scrollingElement.scrollWidth")
    if page_width > width + 1:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > width + 1)
                // inside a scrolling box only what is positioned can escape it (position: absolute)
                .filter((e) => !e.closest(".table-scroll") || getComputedStyle(e).position === "absolute")
                .slice(0, 5).map((e) => e.outerHTML.slice(0, 120))""",
            width,
        )
        problems.append(f"the page is {page_width} px wide; wider than the screen: {wide}")
    tables = page.evaluate(TABLES_THAT_PUSH_THE_PAGE, width)
    if tables:
        problems.append(f"wide tables outside a scrolling box: {tables}")
    return problems


def test_every_public_page_fits_a_375_px_screen(site, browser, published_report, accepted_line):
    context = browser.new_context(base_url=site, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    failures = []
    try:
        for path in public_pages(published_report, accepted_line):
            assert page.goto(path).status == 200, path
            failures += [f"{path}: {problem}" for problem in layout_problems(page, PHONE["width"])]
        for status in (404, 500):
            show_error_page(page, "/initiatives/NO-SUCH-LINE/", status)
            failures += [f"{status} page: {problem}" for problem in layout_problems(page, PHONE["width"])]
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_a_wide_table_scrolls_inside_its_box_and_not_the_page(site, browser):
    context = browser.new_context(base_url=site, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/initiatives/")
        box = page.locator(".table-scroll").first
        widths = box.evaluate("(box) => [box.scrollWidth, box.clientWidth]")
        assert widths[0] > widths[1]  # the table is wider than its box...
        box.evaluate("(box) => { box.scrollLeft = 200; }")
        assert box.evaluate("(box) => box.scrollLeft") > 0  # ...which scrolls it,
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1  # not the page.
    finally:
        context.close()


def test_the_working_pages_fit_a_375_px_screen(site, browser, as_user, published_report):
    failures = []
    for username, paths in (
        ("telsom", ["/", "/reporting/", "/reporting/updates/", "/accounts/profile/", "/initiatives/AWPEC-12/"]),
        ("accec", ["/reporting/", "/reporting/periods/", "/reports/", published_report]),
        ("secretariat", ["/initiatives/", "/initiatives/AWPEC-16/", "/reporting/periods/2019-H2/"]),
    ):
        page = as_user(username)
        page.set_viewport_size(PHONE)
        for path in paths:
            assert page.goto(path).status == 200, path
            failures += [f"{username} {path}: {problem}" for problem in layout_problems(page, PHONE["width"])]
    # The update form, on a line TELSOM leads, in the open period.
    page = as_user("telsom")
    page.set_viewport_size(PHONE)
    page.goto("/reporting/")
    period = page.locator(".lede a").first.inner_text()
    page.goto(f"/reporting/updates/new/?period={period}&initiative=DIFAP-2.4&body=TELSOM")
    failures += [f"the update form: {problem}" for problem in layout_problems(page, PHONE["width"])]
    assert not failures, "\n".join(failures)
