"""Reporting completeness, body x period: the same count as each body's page, from accepted reports only."""

import pytest

from charts.definitions import completeness_cell
from reporting.public_record import reporting_record
from workprogramme.models import Body

from .leaks import file_marker_updates
from .test_dashboards import pictures, tables
from .test_report_rollup import plan  # noqa: F401  (the hand-made plan, a fixture)

pytestmark = pytest.mark.django_db


def test_each_cell_is_the_bodys_own_record_for_the_period(client, plan):  # noqa: F811
    html = client.get("/dashboards/reporting/").content.decode()
    (table,) = tables(html)
    header, rows = table[0], table[1:]
    assert header[0] == "Body" and "2025-H2" in header
    assert rows, "bodies owe reports for 2025-H2"
    for row in rows:
        record = {r["period__code"]: r for r in reporting_record(Body.objects.get(acronym=row[0]))}
        for code, cell in zip(header[1:], row[1:], strict=True):
            assert cell == (completeness_cell(record[code])[1] if code in record else "none expected"), (row[0], code)
    # TELSOM filed and had accepted T-1 and T-2 in the open period 2025-H2.
    telsom = next(row for row in rows if row[0] == "TELSOM")
    assert telsom[header.index("2025-H2")].startswith("2 of ") and telsom[header.index("2025-H2")].endswith(", open")
    ((src, alt),) = pictures(html)
    assert "bodies over" in alt and client.get(src)["Content-Type"] == "image/svg+xml"


def test_updates_not_accepted_do_not_count_and_nothing_private_shows(client, plan):  # noqa: F811
    before = tables(client.get("/dashboards/reporting/").content.decode())[0]
    file_marker_updates(plan[1], "COMPLETENESS-MARKER")
    html = client.get("/dashboards/reporting/").content.decode()
    assert "COMPLETENESS-MARKER" not in html and "telsom" not in html
    after = tables(html)[0]
    column = before[0].index("2025-H2")
    telsom_before = next(row for row in before if row[0] == "TELSOM")[column]
    telsom_after = next(row for row in after if row[0] == "TELSOM")[column]
    # Five filings by TELSOM, one of them accepted: one more report received.
    assert int(telsom_after.split()[0]) == int(telsom_before.split()[0]) + 1


def test_the_page_and_its_picture_cost_a_fixed_number_of_queries(client, plan, django_assert_num_queries):  # noqa: F811
    with django_assert_num_queries(4):  # the request's savepoint (2), the records, the plans for the menu
        client.get("/dashboards/reporting/")
    file_marker_updates(plan[1], "more-rows")
    with django_assert_num_queries(3):
        client.get("/dashboards/reporting/completeness.svg")
