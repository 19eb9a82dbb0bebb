"""axe-core, run inside the browser tests' pages: which serious or critical accessibility violations a page has.

axe-core comes from the pinned axe-playwright-python wheel (its bundled axe.min.js), never from a CDN. It is
injected with `page.evaluate`, which Playwright runs through the browser's DevTools protocol: the site's strict
Content-Security-Policy stays on, so the page is checked exactly as visitors get it.
"""

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
SERIOUS = ("serious", "critical")
# The WCAG 2.x A and AA rules, and axe's best practices (landmarks, one main, headings, ...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RULES = {"runOnly": {"type": "tag", "values": TAGS}}


def serious_violations(page):
    """axe's violations of impact serious or critical on the page as it is now."""
    results = AXE.run(page, options={**RULES, "resultTypes": ["violations"]})
    return [violation for violation in results.response["violations"] if violation["impact"] in SERIOUS]


def describe(violations):
    """The violations as a person reads them: rule, impact, help, and each offending element with axe's reasons."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            for check in node["any"] + node["all"] + node["none"]:
                lines.append(f"      {check['message']}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def assert_accessible(page):
    violations = serious_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"
