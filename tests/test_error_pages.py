"""Errors answer in the site's design: a 404 that leads back into the public pages, a 500 that needs nothing."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
def test_unknown_address_answers_the_sites_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content
    assert 'class="site-header"' in content and 'href="/initiatives/"' in content


def test_500_page_renders_without_context_processors_or_database():
    # No django_db mark: pytest-django refuses any database access here, so the page needs none.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong" in content and 'class="site-header"' in content
