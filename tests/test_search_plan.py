"""Search uses its GIN index at every size (issue 16): checked in PostgreSQL's own plans for the page's queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index and EXPLAIN are PostgreSQL's"),
]


def plans_of_search_queries(client, url):
    with connection.cursor() as cursor:
        # The test catalogue is small enough for a sequential scan to be cheapest: forbid it where an index
        # can serve, so that the plan shows whether one can. (SET LOCAL: this test's transaction only.)
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    searches = [q["sql"] for q in captured if "to_tsvector" in q["sql"]]
    with connection.cursor() as cursor:
        plans = []
        for sql in searches:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def plan_of_the_search(text):
    """The plan of the search's own condition (Initiative.objects.search, which the list and the API filter use).

    On the page, joins to the programme and outcome come first in a catalogue this small, whatever the indexes;
    what can break is whether the condition itself can be served by them (the OR with UPPER(code) once could not).
    """
    from workprogramme.models import Initiative

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return Initiative.objects.search(text).values("pk").explain()


@pytest.mark.parametrize("url", ["/initiatives/?search=roaming", "/api/v1/initiatives/?search=roaming"])
def test_the_page_matches_the_text_twice_no_more(client, url):
    assert len(plans_of_search_queries(client, url)) == 2  # the paginator's count and the page


def test_the_search_uses_the_full_text_index():
    plan = plan_of_the_search("roaming")
    assert "initiative_search_idx" in plan, plan
    assert "Seq Scan on workprogramme_initiative" not in plan, plan


def test_a_code_in_any_case_is_found_through_its_own_index(client):
    plan = plan_of_the_search("awpec-16")
    assert "initiative_code_upper_idx" in plan, plan
    assert "AWPEC-16" in client.get("/initiatives/?search=awpec-16").content.decode()
