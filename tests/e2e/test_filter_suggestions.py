"""Search-as-you-type in a real browser: the body box of the update list suggests matching bodies from the server
(static/js/choices.js under the strict CSP), and a chosen code filters the list."""

SUGGESTED = (
    "expected => [...document.querySelectorAll('#id_body-choices option')].map(o => o.value).join() === expected"
)


def test_typing_in_the_body_box_suggests_bodies_and_the_choice_filters(as_user):
    page = as_user("secretariat")
    refusals = []
    page.on(
        "console", lambda message: refusals.append(message.text) if "Content-Security-Policy" in message.text else None
    )
    page.goto("/reporting/updates/")

    page.locator("#id_body").press_sequentially("TELS", delay=50)

    page.wait_for_function(SUGGESTED, arg="TELSOM")  # the bodies whose acronym starts TELS, or whose name has it
    page.locator("#id_body").fill("TELSOM")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/reporting/updates/?*body=TELSOM*")
    bodies = page.locator("table.lines tbody tr td:nth-child(2)").all_inner_texts()
    assert bodies and set(bodies) == {"TELSOM"}
    assert not refusals


def test_the_public_initiative_list_suggests_lines_bodies(site, browser):
    context = browser.new_context(base_url=site)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto("/initiatives/")
        page.locator("#id_body").press_sequentially("wc", delay=50)
        page.wait_for_function(SUGGESTED, arg="WC-PSS")
    finally:
        context.close()
