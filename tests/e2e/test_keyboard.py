"""A visitor who uses only the keyboard: skips to the content, always sees where the focus is, filters the lines."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]

# What has the focus, and whether a person can see it: a solid ring at least 2 px wide, or the browser's own.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    name: element.name || "",
    text: (element.innerText || element.value || "").trim().slice(0, 60),
    skip: element.classList.contains("skip-link"),
    inMain: Boolean(element.closest("main")),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.left < innerWidth,
  };
}"""


@pytest.fixture
def visitor(site, browser):
    context = browser.new_context(base_url=site)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def seen_focus(page):
    """What has the focus now, checking that a person can see where it is."""
    focused = page.evaluate(FOCUSED)
    assert focused["ring"], f"no visible focus ring on {focused}"
    assert focused["onScreen"], f"the focused element is off screen: {focused}"
    return focused


def tab(page):
    page.keyboard.press("Tab")
    return seen_focus(page)


def test_the_skip_link_comes_first_and_moves_the_focus_to_the_content(visitor):
    visitor.goto("/")
    first = tab(visitor)
    assert first["skip"] and first["text"] == "Skip to content"
    visitor.keyboard.press("Enter")
    assert visitor.evaluate("document.activeElement.id") == "main"
    # The next Tab carries on inside the content, not back through the header's links.
    assert tab(visitor)["inMain"]


@pytest.mark.parametrize("path", ["/", "/initiatives/", "/initiatives/AWPEC-1.1/"])
def test_focus_stays_visible_through_the_header_and_the_page(visitor, path):
    visitor.goto(path)
    seen = []
    for _ in range(40):  # the skip link, the header's links, then the content's, until the focus leaves the page
        visitor.keyboard.press("Tab")
        if visitor.evaluate("document.activeElement === document.body"):
            break
        seen.append(seen_focus(visitor))
    assert seen[0]["skip"]
    assert any(element["inMain"] for element in seen)


def test_a_visitor_filters_the_initiative_list_with_the_keyboard_alone(visitor):
    visitor.goto("/initiatives/")
    tab(visitor)
    visitor.keyboard.press("Enter")  # skip to the content: the filters come first
    search = tab(visitor)
    assert (search["tag"], search["name"]) == ("input", "search")
    visitor.keyboard.type("roaming")
    programme = tab(visitor)
    assert (programme["tag"], programme["name"]) == ("select", "programme")
    # A closed select takes the arrow keys: down from "---------" to the first programme, AWPEC, then DIFAP.
    visitor.keyboard.press("ArrowDown")
    visitor.keyboard.press("ArrowDown")
    assert visitor.locator("#id_programme").input_value() == "DIFAP"
    for _ in range(20):  # on through the other filters to the Filter button
        focused = tab(visitor)
        if focused["tag"] == "button":
            break
    assert focused["text"] == "Filter"
    visitor.keyboard.press("Enter")
    visitor.wait_for_url(re.compile(r"search=roaming.*programme=DIFAP|programme=DIFAP.*search=roaming"))
    expect(visitor.locator(".result-count")).to_have_text(re.compile(r"^\d+ initiatives?"))
    expect(visitor.get_by_role("table", name="Initiatives matching the filters")).to_contain_text("roaming")
    assert visitor.locator("#id_search").input_value() == "roaming"
