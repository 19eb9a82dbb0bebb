"""A visitor reads the 2019 baseline on a line's page as the document states it, on a phone-sized screen."""

PHONE = {"width": 375, "height": 740}


def test_line_pages_show_the_reviewed_baseline_and_the_deliverable_printed_twice(site, browser):
    context = browser.new_context(base_url=site, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto("/initiatives/DIFAP-1.3.2/")
        assert page.locator("text=All AMS have ratified Protocol 7 as of 19 February 2019.").first.is_visible()
        assert page.locator(".accepted-update .status-completed").count() == 1

        page.goto("/initiatives/AWPEC-11/")
        assert page.locator("text=as of December 2018").count() >= 1
        assert page.locator("text=1 December 2018").count() == 0

        page.goto("/initiatives/DIFAP-2.1/")
        assert page.locator("text=Planned, not done").is_visible()
        page.locator('td a[href="/initiatives/DIFAP-2.2/"]').click()
        page.wait_for_url("**/initiatives/DIFAP-2.2/")
        assert page.locator("text=reported here once for both").is_visible()
        assert page.locator('a[href="/initiatives/DIFAP-2.1/"]').count() >= 1
        assert page.locator("text=Not reported").count() >= 1
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
