"""Which section of the site a page belongs to, so that the main navigation can mark it for everyone.

The navigation says it twice: visibly (bold, underlined, site.css) and to screen readers (aria-current: "page" on
the section's own page, "true" on a page inside it, such as a line under Initiatives).
"""

from django.urls import reverse

# (namespace, url_name prefix) -> section; the first match wins.
SECTIONS = (
    ("workprogramme", "initiative", "initiatives"),
    ("workprogramme", "member_state", "member-states"),
    ("workprogramme", "body", "bodies"),
    ("reporting", "", "reporting"),
    ("reports", "", "reports"),
    ("opendata", "", "open-data"),
    ("charts", "", "dashboards"),
    ("transparency", "", "negotiations"),
)
SECTION_PAGES = {
    "initiatives": "workprogramme:initiative_list",
    "member-states": "workprogramme:member_state_list",
    "bodies": "workprogramme:body_list",
    "reporting": "reporting:dashboard",
    "reports": "reports:report_list",
    "open-data": "opendata:index",
    "dashboards": "charts:dashboard",
    "negotiations": "transparency:negotiation_list",
}


def section(request):
    match = getattr(request, "resolver_match", None)
    if match is None:  # an address that matched nothing: the 404 page belongs to no section
        return {"section": "", "section_current": ""}
    if match.view_name == "workprogramme:programme_detail":
        # Each plan has its own entry: the section is the plan's code, and its page is the programme page.
        return {"section": match.kwargs.get("code", ""), "section_current": "page"}
    for namespace, prefix, name in SECTIONS:
        if match.namespace == namespace and match.url_name.startswith(prefix):
            current = "page" if request.path == reverse(SECTION_PAGES[name]) else "true"
            return {"section": name, "section_current": current}
    return {"section": "", "section_current": ""}
