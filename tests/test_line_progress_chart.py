"""A line's page: its status and stated progress by period, in a small chart above the accepted history."""

import pytest

from reporting import services
from workprogramme.models import Body, Initiative

from .test_dashboards import pictures, tables
from .test_report_rollup import plan  # noqa: F401  (the hand-made plan, a fixture)

pytestmark = pytest.mark.django_db


def test_the_chart_shows_each_period_from_the_first_report_on(client, plan):  # noqa: F811
    html = client.get("/initiatives/T-2/").content.decode()
    assert html.index('id="chart-progress"') < html.index('id="period-2025-H2"')  # above the accepted history
    ((src, alt),) = pictures(html)
    assert src == "/dashboards/lines/T-2/progress.svg"
    assert alt == "2025-H1: not started, progress not stated; 2025-H2: delayed, progress 40%."
    (table,) = tables(html)
    assert table[1:] == [["2025-H1", "Not started", "not stated", "yes"], ["2025-H2", "Delayed", "40%", "yes"]]
    picture = client.get(src)
    assert picture["Content-Type"] == "image/svg+xml" and b"Delayed" in picture.content


def test_a_period_not_reported_carries_the_status_and_says_so(client, plan, telsom):  # noqa: F811
    # T-3 was reported in 2025-H1 only; ACCP's submission for 2025-H2, not accepted, must not show.
    from accounts.models import User

    services.update_create(
        user=User.objects.get(username="accp"),
        period=plan[1],
        initiative=Initiative.objects.get(code="T-3"),
        body=Body.objects.get(acronym="ACCP"),
        values={"status": "completed", "progress": 100, "narrative": "Submitted, not accepted."},
        submit=True,
    )
    (table,) = tables(client.get("/initiatives/T-3/").content.decode())
    assert table[1:] == [
        ["2025-H1", "In progress", "not stated", "yes"],
        ["2025-H2", "In progress", "not stated", "no: carried over"],
    ]


def test_a_line_never_reported_has_no_chart(client, plan):  # noqa: F811
    html = client.get("/initiatives/T-5/").content.decode()
    assert 'id="chart-progress"' not in html
    assert client.get("/dashboards/lines/T-5/progress.svg").status_code == 404
    assert client.get("/dashboards/lines/NOPE/progress.svg").status_code == 404
