"""An anonymous visitor walks the public portal on a phone-sized screen, and finds no working controls."""

PHONE = {"width": 375, "height": 740}


def test_anonymous_visitor_walks_from_home_to_a_body_at_375_px(site, browser):
    context = browser.new_context(base_url=site, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto("/")
        visited = [page.url]
        page.locator('main a[href="/programmes/DIFAP/"]').click()
        page.wait_for_url("**/programmes/DIFAP/")
        visited.append(page.url)
        page.goto("/initiatives/AWPEC-1.1/")
        assert page.get_by_role("heading", name="Accepted history").is_visible()
        assert page.locator("text=baseline, DIFAP mid-2019").count() == 1
        visited.append(page.url)
        page.goto("/member-states/VN/")
        assert page.get_by_role("heading", name="Viet Nam", exact=True).is_visible()
        # Viet Nam leads the drafting of AWPEC-2.1's guidelines, as DIFAP's 2019 text says.
        assert page.get_by_role("heading", name="Lines that name Viet Nam").is_visible()
        visited.append(page.url)
        page.locator('a[href="/bodies/TELSOM/"]').first.click() if page.locator(
            'a[href="/bodies/TELSOM/"]'
        ).count() else page.goto("/bodies/TELSOM/")
        page.wait_for_url("**/bodies/TELSOM/")
        assert page.get_by_role("heading", name="Reporting record").is_visible()
        visited.append(page.url)
        for url in visited:
            page.goto(url)
            # No filing, review or status controls for the public, and no sideways scrolling of the page.
            assert page.locator('form[action*="/status/"], a[href*="/reporting/updates/"]').count() == 0, url
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], url
    finally:
        context.close()
