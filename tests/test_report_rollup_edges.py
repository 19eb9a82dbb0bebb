"""The roll-up at its edges: overdue in the target year itself, and a whole-line update against an output's."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from reporting.models import Period, Update
from reports.rollup import compute
from workprogramme.models import Area, Body, Initiative, InitiativeListing, Output, Programme, Responsibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def edge_plan():
    """EDGE, one area, reported in 2025-H2: lines due in 2024, in 2025 (the period's own year) and in 2026."""
    plan = Programme.objects.create(code="EDGE", title="Edge plan", start_year=2024, end_year=2026, position=9)
    area = Area.objects.create(programme=plan, code="EDGE-PA1", kind="priority_area", number="1", title="Only")
    telsom = Body.objects.get(acronym="TELSOM")
    lines = {}
    for code, target_year in [("E-2024", 2024), ("E-2025", 2025), ("E-2026", 2026)]:
        line = Initiative.objects.create(
            programme=plan,
            source=plan,
            code=code,
            title=f"Line due {target_year}",
            timeline=str(target_year),
            timeline_kind="year",
            target_year=target_year,
        )
        Responsibility.objects.create(initiative=line, body=telsom, role="lead")
        InitiativeListing.objects.create(initiative=line, programme=plan, area=area, title=line.title)
        lines[code] = line
    period = Period.objects.create(year=2025, half=2, deadline=date(2026, 1, 31), state=Period.State.OPEN)
    return plan, period, lines, telsom


def accepted(*, period, line, body, status, progress, output=None, reviewed_at=None):
    return Update.objects.create(
        period=period,
        initiative=line,
        output=output,
        body=body,
        state=Update.State.ACCEPTED,
        status=status,
        progress=progress,
        narrative=f"{line.code} {'output ' + str(output.position) if output else 'whole line'}.",
        reviewed_at=reviewed_at or timezone.now(),
    )


def test_a_line_due_in_the_periods_own_year_is_not_yet_overdue(edge_plan):
    plan, period, lines, telsom = edge_plan
    for line in lines.values():
        accepted(period=period, line=line, body=telsom, status="in_progress", progress=50)

    snapshot = compute(period, plan)

    overdue = {line["code"]: line["overdue"] for line in snapshot["lines"]}
    # 2025-H2 ends on 31 December 2025: a line due "2025" still has until then.
    assert overdue == {"E-2024": True, "E-2025": False, "E-2026": False}
    assert snapshot["totals"]["overdue"] == 1


def test_a_line_due_in_the_periods_own_year_is_not_overdue_when_never_reported(edge_plan):
    plan, period, lines, telsom = edge_plan

    snapshot = compute(period, plan)

    overdue = {line["code"]: line["overdue"] for line in snapshot["lines"]}
    assert overdue == {"E-2024": True, "E-2025": False, "E-2026": False}


def test_the_whole_line_update_speaks_for_the_line_over_an_update_on_one_output(edge_plan):
    plan, period, lines, telsom = edge_plan
    line = lines["E-2026"]
    output = Output.objects.create(initiative=line, position=1, title="A first deliverable")
    earlier = timezone.now() - timedelta(days=2)
    # The output's update was reviewed after the whole-line one: recency alone would let it win.
    accepted(period=period, line=line, body=telsom, status="in_progress", progress=30, reviewed_at=earlier)
    accepted(period=period, line=line, body=telsom, status="completed", progress=100, output=output)

    snapshot = compute(period, plan)

    row = next(entry for entry in snapshot["lines"] if entry["code"] == "E-2026")
    assert (row["status"], row["progress"]) == ("in_progress", 30)
    assert snapshot["totals"]["counts"]["completed"] == 0


def test_the_whole_line_update_wins_whichever_was_reviewed_first(edge_plan):
    plan, period, lines, telsom = edge_plan
    line = lines["E-2026"]
    output = Output.objects.create(initiative=line, position=1, title="A first deliverable")
    earlier = timezone.now() - timedelta(days=2)
    accepted(period=period, line=line, body=telsom, status="delayed", progress=10, output=output, reviewed_at=earlier)
    accepted(period=period, line=line, body=telsom, status="in_progress", progress=45)

    row = next(entry for entry in compute(period, plan)["lines"] if entry["code"] == "E-2026")

    assert (row["status"], row["progress"]) == ("in_progress", 45)


def test_of_two_bodies_updates_on_one_line_the_one_reviewed_last_speaks_for_it(edge_plan):
    plan, period, lines, telsom = edge_plan
    line = lines["E-2026"]
    accp = Body.objects.get(acronym="ACCP")
    Responsibility.objects.create(initiative=line, body=accp, role=Responsibility.Role.JOINT)
    now = timezone.now()
    # ACCP's update was filed first but reviewed last: the review's time decides, not the order of filing.
    accepted(period=period, line=line, body=accp, status="delayed", progress=20, reviewed_at=now)
    accepted(period=period, line=line, body=telsom, status="in_progress", progress=50, reviewed_at=now - timedelta(1))

    row = next(entry for entry in compute(period, plan)["lines"] if entry["code"] == "E-2026")

    assert (row["status"], row["progress"], row["reporting_body"]) == ("delayed", 20, "ACCP")


def test_a_member_state_with_no_lines_has_no_share_rather_than_zero(edge_plan):
    plan, period, lines, telsom = edge_plan
    accepted(period=period, line=lines["E-2024"], body=telsom, status="completed", progress=100)

    snapshot = compute(period, plan)

    brunei = next(group for group in snapshot["groups"]["member_state"] if group["key"] == "BN")
    # None of EDGE's lines is tracked per Member State or names one: an empty table row, not "0 % completed".
    assert (brunei["lines"], brunei["completed_share"], brunei["avg_progress"]) == (0, None, None)
    assert (snapshot["totals"]["completed_share"], snapshot["totals"]["avg_progress"]) == (33.3, 100.0)
