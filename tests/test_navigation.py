"""The main navigation marks the section a page is in, for sighted and screen-reader users alike."""

import re

import pytest

pytestmark = pytest.mark.django_db


def marked(response):
    """The navigation's entries that carry aria-current, with its value: {"Initiatives": "true"}."""
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', response.content.decode(), re.S).group(1)
    return dict((name, value) for value, name in re.findall(r'aria-current="(\w+)">([^<]+)</a>', nav))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/initiatives/", {"Initiatives": "page"}),
        ("/initiatives/AWPEC-16/", {"Initiatives": "true"}),
        ("/programmes/DIFAP/", {"DIFAP": "page"}),
        ("/member-states/VN/", {"Member States": "true"}),
        ("/bodies/", {"Bodies": "page"}),
        ("/reports/", {"Reports": "page"}),
        ("/open-data/", {"Open data": "page"}),
        ("/", {}),
    ],
)
def test_a_visitor_sees_which_section_a_page_is_in(client, path, expected):
    assert marked(client.get(path)) == expected


def test_a_visitor_finds_the_published_reports_and_the_open_data_in_the_navigation(client):
    nav = client.get("/").content.decode()
    assert 'href="/reports/">Reports</a>' in nav
    assert 'href="/open-data/">Open data</a>' in nav


def test_a_reporter_sees_the_reporting_section_marked(client, telsom):
    client.force_login(telsom)
    assert marked(client.get("/reporting/")) == {"Reporting": "page"}
    assert marked(client.get("/reporting/updates/")) == {"Reporting": "true"}


def test_the_not_found_page_marks_no_section(client):
    assert marked(client.get("/no-such-address/")) == {}
