"""The timeline: every line against its target year and today, filtered as the initiative list is."""

from datetime import date

import pytest

from workprogramme.models import Area, Initiative

from .test_dashboards import pictures, tables
from .test_report_rollup import add_line, plan  # noqa: F401  (the hand-made plan, a fixture)

pytestmark = pytest.mark.django_db


def test_each_line_of_the_test_plan_with_its_accepted_status_and_overdue_mark(client, plan):  # noqa: F811
    ongoing = add_line(plan[0], Area.objects.get(code="TEST-PA2"), "T-6", "ACCP", 2026)
    Initiative.objects.filter(pk=ongoing.pk).update(timeline="Ongoing", timeline_kind="ongoing", target_year=None)
    html = client.get("/dashboards/timeline/?programme=TEST").content.decode()
    (table,) = tables(html)
    this_year = date.today().year
    assert table[1:] == [
        ["T-1", "TEST · First", "2024", "2024", "Completed", ""],
        ["T-2", "TEST · First", "2023", "2023", "Delayed", "overdue"],
        ["T-3", "TEST · First", "2026", "2026", "In progress", "overdue" if this_year > 2026 else ""],
        ["T-4", "TEST · Second", "2026", "2026", "In progress", "overdue" if this_year > 2026 else ""],
        ["T-5", "TEST · Second", "2020", "2020", "No report", "overdue"],
        ["T-6", "TEST · Second", "Ongoing", "Ongoing", "No report", ""],
    ]
    ((src, alt),) = pictures(html)
    assert src == "/dashboards/timeline.svg?programme=TEST"
    assert "Overdue: 2 (T-2, T-5)" in alt and "Without a target year: 1." in alt
    svg = client.get(src).content.decode()
    assert "Ongoing" in svg and "overdue" in svg


def test_the_filters_are_the_initiative_lists(client, plan):  # noqa: F811
    (table,) = tables(client.get("/dashboards/timeline/?programme=TEST&body=TELSOM").content.decode())
    assert [row[0] for row in table[1:]] == ["T-1", "T-2"]
    response = client.get("/dashboards/timeline/?target_year=soon")
    assert response.status_code == 200 and "Enter a whole number." in response.content.decode()


def test_the_timeline_costs_a_fixed_number_of_queries(client, plan, django_assert_max_num_queries):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get("/dashboards/timeline/")
    for number in range(7, 20):
        add_line(plan[0], Area.objects.get(code="TEST-PA2"), f"T-{number}", "ACCP", 2021, named=["VN"])
    with django_assert_max_num_queries(len(first)):
        client.get("/dashboards/timeline/")
