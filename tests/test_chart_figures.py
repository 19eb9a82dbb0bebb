"""The charts' figures follow the roll-up's rule: checked against the progress report's own figures, period by
period, on the hand-made test plan of tests/test_report_rollup.py."""

import pytest

from reporting.models import Period
from reports.rollup import compute, line_trend, standing, trend
from workprogramme.models import Initiative

from .test_report_rollup import plan  # noqa: F401  (the hand-made plan, a fixture)

pytestmark = pytest.mark.django_db


def test_each_period_of_the_trend_equals_the_totals_of_a_report_on_that_period(plan):  # noqa: F811
    programme, period = plan
    rows = trend(programme, until=period)
    periods = list(Period.objects.filter(year__lte=2025).order_by("year", "half"))
    assert [row["period"] for row in rows] == [p.code for p in periods]
    for row, each in zip(rows, periods, strict=True):
        totals = compute(each, programme)["totals"]
        assert (row["lines"], row["completed_share"], row["avg_progress"], row["progress_stated"]) == (
            totals["lines"],
            totals["completed_share"],
            totals["avg_progress"],
            totals["progress_stated"],
        ), each.code
    # Counted by hand: 2025-H1 has T-2 and T-3 reported with progress not stated; 2025-H2 as in the report.
    assert rows[-2] == {
        "period": "2025-H1",
        "lines": 5,
        "completed": 0,
        "completed_share": 0.0,
        "progress_stated": 0,
        "avg_progress": None,
    }
    assert rows[-1] == {
        "period": "2025-H2",
        "lines": 5,
        "completed": 1,
        "completed_share": 20.0,
        "progress_stated": 3,
        "avg_progress": 66.7,
    }


def test_the_trend_costs_one_query_whatever_the_number_of_periods(plan, django_assert_num_queries):  # noqa: F811
    with django_assert_num_queries(1):
        trend(plan[0])


def test_the_dashboard_standing_is_the_report_figures(plan, django_assert_num_queries):  # noqa: F811
    programme, period = plan
    with django_assert_num_queries(4):
        now = standing(period, programme)
    report = compute(period, programme)
    assert now["totals"] == report["totals"]
    assert now["groups"] == report["groups"]["priority_area"]
    assert now["overdue_by_target_year"] == report["overdue_by_target_year"]
    # T-5 (2020, never reported) and T-2 (2023, delayed): one overdue line in each year.
    assert [
        (g["key"], g["lines"], g["counts"]["delayed"], g["counts"]["no_report"])
        for g in report["overdue_by_target_year"]
    ] == [(2020, 1, 0, 1), (2023, 1, 1, 0)]


def test_every_plan_together_counts_each_line_once_under_its_own_plan(plan):  # noqa: F811
    programme, period = plan
    every = standing(period)
    assert every["totals"]["lines"] == Initiative.objects.count()
    assert sum(g["lines"] for g in every["groups"]) == Initiative.objects.count()
    test_plan = next(g for g in every["groups"] if g["key"] == "TEST")
    assert test_plan["counts"] == compute(period, programme)["totals"]["counts"]


def test_a_line_trend_carries_its_status_into_periods_it_did_not_report(plan):  # noqa: F811
    programme, period = plan
    line = Initiative.objects.get(code="T-3")
    since = Period.objects.get(year=2025, half=1)
    in_progress = {"status": "in_progress", "status_label": "In progress", "progress": None}
    assert line_trend(line, since, period) == [
        {"period": "2025-H1", **in_progress, "reported": True},
        {"period": "2025-H2", **in_progress, "reported": False},
    ]
    assert [row["progress"] for row in line_trend(Initiative.objects.get(code="T-2"), since, period)] == [None, 40]
