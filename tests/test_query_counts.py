"""List pages and list endpoints use a fixed number of SQL queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workprogramme.models import Body, MemberState

from .factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/initiatives/",
        "/initiatives/?programme=DIFAP&status=not_started",
        "/initiatives/?search=data&overdue=true",
        "/programmes/DIFAP/",
        "/programmes/AWPEC/",
        "/",
    ],
)
def test_pages_do_not_grow_with_the_rows(staff_client, url, django_assert_max_num_queries):
    baseline = queries_for(staff_client, url)
    ms = MemberState.objects.get(code="TH")
    for _ in range(15):
        InitiativeFactory(catalogue_rows__lead=Body.objects.get(acronym="ACCP"), catalogue_rows__member_states=[ms])
    with django_assert_max_num_queries(baseline):
        staff_client.get(url)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives/?page_size=500",
        "/api/v1/initiatives/?programme=AWPEC&body=TELSOM&page_size=500",
        "/api/v1/bodies/",
        "/api/v1/programmes/",
    ],
)
def test_list_endpoints_do_not_grow_with_the_rows(api_client, url, django_assert_max_num_queries):
    baseline = queries_for(api_client, url)
    for _ in range(15):
        InitiativeFactory()
    with django_assert_max_num_queries(baseline):
        assert api_client.get(url).status_code == 200


def test_the_initiative_list_stays_under_a_small_budget(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):  # session, user, 5 filter menus, count, page, prefetches
        staff_client.get("/initiatives/")


PUBLIC_PAGES = [
    "/",
    "/programmes/DIFAP/",
    "/initiatives/",
    "/initiatives/?search=data&overdue=true",
    "/initiatives/AWPEC-13/",
    "/member-states/",
    "/member-states/VN/",
    "/bodies/",
    "/bodies/TELSOM/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_do_not_grow_with_the_record(client, secretariat, url, django_assert_max_num_queries):
    """Anonymous visitors: more lines, updates at every stage, evidence and comments cost no more queries."""
    from reporting import services

    from .leaks import file_marker_updates

    baseline = queries_for(client, url)
    ms = MemberState.objects.get(code="VN")
    for _ in range(15):
        InitiativeFactory(catalogue_rows__lead=Body.objects.get(acronym="TELSOM"), catalogue_rows__member_states=[ms])
    period = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))
    file_marker_updates(period, "query-count-growth")
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
