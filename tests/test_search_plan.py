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


@pytest.mark.parametrize("url", ["/initiatives/?search=roaming", "/api/v1/initiatives/?search=roaming"])
def test_the_search_and_its_count_use_the_full_text_index(client, url):
    plans = plans_of_search_queries(client, url)

    assert len(plans) == 2  # the paginator's count and the page: the text is matched twice, no more
    for plan in plans:
        assert "initiative_search_idx" in plan, plan
        assert "Seq Scan on workprogramme_initiative" not in plan, plan


def test_a_code_in_any_case_is_found_through_its_own_index(client):
    plans = plans_of_search_queries(client, "/initiatives/?search=awpec-16")

    assert all("initiative_code_upper_idx" in plan for plan in plans), plans
    assert "AWPEC-16" in client.get("/initiatives/?search=awpec-16").content.decode()
