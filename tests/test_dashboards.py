"""Programme dashboards: public, from the accepted record only, each chart with a text alternative and its numbers."""

import re
from html import unescape

import pytest

from charts.selectors import dashboard
from reporting import services
from reports.rollup import compute
from workprogramme.models import Body, Initiative, MemberState, Programme

from .factories import InitiativeFactory
from .leaks import file_marker_updates
from .test_report_rollup import plan  # noqa: F401  (the hand-made plan, a fixture)

pytestmark = pytest.mark.django_db


def tables(html):
    """Each chart's table of numbers, as lists of cell texts."""
    found = []
    for table in re.findall(r'<details class="chart-data">.*?</details>', html, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        found.append([[unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows])
    return found


def pictures(html):
    return re.findall(r'<img class="chart-picture" src="([^"]+)" alt="([^"]*)">', html)


@pytest.mark.parametrize("url", ["/dashboards/", "/dashboards/DIFAP/", "/dashboards/AWPEC/"])
def test_anyone_sees_three_charts_each_with_a_text_alternative_and_its_numbers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    images = pictures(html)
    assert len(images) == 3 and len(tables(html)) == 3
    for src, alt in images:
        assert len(alt) > 40, alt
        picture = client.get(src)
        assert picture.status_code == 200 and picture["Content-Type"] == "image/svg+xml"
        assert picture.content.startswith(b"<svg") and b"<script" not in picture.content
    assert 'style="' not in html  # the Content-Security-Policy refuses inline styles


def test_the_dashboard_of_the_test_plan_shows_the_roll_up_figures(client, plan):  # noqa: F811
    programme, period = plan
    html = client.get("/dashboards/TEST/").content.decode()
    report = compute(period, programme)
    by_status, trend, overdue = tables(html)
    statuses = [key for key, _ in report["statuses"]]
    assert by_status[1:] == [
        [g["label"], str(g["lines"])] + [str(g["counts"][key]) for key in statuses]
        for g in report["groups"]["priority_area"]
    ]
    # Counted by hand (see the plan's fixture): not started, in progress, completed, delayed, discontinued, no report.
    assert by_status[1] == ["Priority area 1: First", "3", "0", "1", "1", "1", "0", "0"]
    assert trend[-1] == ["2025-H2", "5", "1", "20.0%", "3 of 5", "60.0%", "66.7%"]
    assert [row[:2] for row in overdue[1:]] == [["2020", "1"], ["2023", "1"]]
    assert "Progress stated for 3 of 5 lines (60.0%); their average progress: 66.7%." in html
    # The text alternative says the same as the table.
    alt = dict((src.rsplit("/", 1)[-1], alt) for src, alt in pictures(html))["status.svg"]
    assert "Priority area 1: First: 3 lines (1 completed, 1 in progress, 1 delayed)" in unescape(alt)


def test_only_accepted_updates_count(client, plan):  # noqa: F811
    """Drafts, submitted, returned, withdrawn updates (all "in progress, 30%") change nothing; the accepted one does."""
    before = tables(client.get("/dashboards/AWPEC/").content.decode())
    leaked = file_marker_updates(plan[1], "DASHBOARD-MARKER")
    html = client.get("/dashboards/AWPEC/").content.decode()
    assert "DASHBOARD-MARKER" not in html
    after = tables(html)
    line = leaked.accepted.initiative
    assert line.programme.code == "AWPEC" and line.code == "AWPEC-13"
    report = compute(plan[1], line.programme)
    assert after[1][-1] == [
        "2025-H2",
        str(report["totals"]["lines"]),
        str(report["totals"]["counts"]["completed"]),
        f"{report['totals']['completed_share']:.1f}%",
        f"{report['totals']['progress_stated']} of {report['totals']['lines']}",
        f"{100 * report['totals']['progress_stated'] / report['totals']['lines']:.1f}%",
        f"{report['totals']['avg_progress']:.1f}%",
    ]
    stated_before = int(before[1][-1][4].split()[0])
    assert report["totals"]["progress_stated"] == stated_before + 1  # only the accepted update stated one


def test_an_unknown_plan_or_chart_is_not_found(client):
    assert client.get("/dashboards/NOPE/").status_code == 404
    assert client.get("/dashboards/DIFAP/charts/nope.svg").status_code == 404
    assert client.get("/dashboards/charts/nope.svg").status_code == 404


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The request's savepoint (2); latest period; totals, by plan, overdue; the trend; the plans for the menu.
        ("/dashboards/", 8),
        # The same, with the plan itself and its areas.
        ("/dashboards/DIFAP/", 10),
        ("/dashboards/DIFAP/charts/status.svg", 9),
    ],
)
def test_dashboards_cost_a_fixed_number_of_queries(client, secretariat, url, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    lines = Initiative.objects.count()
    ms = MemberState.objects.get(code="VN")
    for _ in range(15):
        InitiativeFactory(catalogue_rows__lead=Body.objects.get(acronym="TELSOM"), catalogue_rows__member_states=[ms])
    period = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))
    file_marker_updates(period, "query-count-growth")
    assert Initiative.objects.count() == lines + 15
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_a_phone_gets_the_same_chart_laid_out_narrower(client):
    html = client.get("/dashboards/DIFAP/").content.decode()
    assert '<source media="(max-width: 40em)" srcset="/dashboards/DIFAP/charts/status.svg?size=narrow">' in html
    wide = client.get("/dashboards/DIFAP/charts/status.svg").content.decode()
    narrow = client.get("/dashboards/DIFAP/charts/status.svg?size=narrow").content.decode()

    def width(svg):
        return int(re.search(r'<svg[^>]* width="(\d+)"', svg).group(1))

    assert width(narrow) < 375 < width(wide)
    # The same numbers are drawn.
    for chart in dashboard(Programme.objects.get(code="DIFAP"))[2].values():
        assert chart.narrow_spec()["data"] == chart.spec["data"]
