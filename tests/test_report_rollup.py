"""The roll-up of a period's accepted updates, on a small hand-made plan where every figure can be counted by hand."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from reporting import services
from reporting.models import Period, Update
from reports.rollup import compute
from workprogramme.models import Area, Body, Initiative, InitiativeListing, MemberState, Programme, Responsibility

pytestmark = pytest.mark.django_db


def add_line(plan, area, code, lead, target_year, per_member_state=False, named=()):
    line = Initiative.objects.create(
        programme=plan,
        source=plan,
        code=code,
        title=f"Test line {code}",
        timeline=str(target_year),
        timeline_kind="year",
        target_year=target_year,
        per_member_state=per_member_state,
    )
    Responsibility.objects.create(initiative=line, body=Body.objects.get(acronym=lead), role="lead")
    InitiativeListing.objects.create(initiative=line, programme=plan, area=area, title=line.title)
    line.member_states.add(*MemberState.objects.filter(code__in=named))
    return line


def file_and_accept(*, period, line, body, reporter, reviewer, values, member_states=None):
    update = services.update_create(
        user=reporter,
        period=period,
        initiative=line,
        body=Body.objects.get(acronym=body),
        values={"narrative": f"Progress on {line.code}.", **values},
        member_states=member_states,
        submit=True,
    )
    return services.update_accept(user=reviewer, update=update)


@pytest.fixture
def plan(secretariat, reviewer, telsom, django_capture_on_commit_callbacks):
    """TEST, a two-area plan of five lines, reported in 2025-H1 (the previous period) and 2025-H2.

    T-1 completed 100% (names VN) · T-2 delayed 40%, target 2023 (overdue), a new blocker · T-3 not reported in
    2025-H2, carried from 2025-H1 with progress not stated · T-4 in progress 60%, per Member State · T-5 never
    reported, target 2020 (overdue).
    """
    from accounts.models import User

    accp = User.objects.get(username="accp")
    plan = Programme.objects.create(code="TEST", title="Test plan", start_year=2024, end_year=2026, position=9)
    pa1 = Area.objects.create(programme=plan, code="TEST-PA1", kind="priority_area", number="1", title="First")
    sub = Area.objects.create(programme=plan, parent=pa1, code="TEST-PA1-S1", kind="sub_heading", title="Sub one")
    pa2 = Area.objects.create(
        programme=plan, code="TEST-PA2", kind="priority_area", number="2", title="Second", position=1
    )
    lines = {
        "T-1": add_line(plan, sub, "T-1", "TELSOM", 2024, named=["VN"]),
        "T-2": add_line(plan, sub, "T-2", "TELSOM", 2023),
        "T-3": add_line(plan, pa1, "T-3", "ACCP", 2026),
        "T-4": add_line(plan, pa2, "T-4", "ACCP", 2026, per_member_state=True),
        "T-5": add_line(plan, pa2, "T-5", "ACCP", 2020),
    }
    previous = Period.objects.create(year=2025, half=1, deadline=date(2025, 7, 31), state=Period.State.REVIEWED)
    for code, status in [("T-2", "not_started"), ("T-3", "in_progress")]:
        # History already reviewed, as the baseline is: accepted, progress not stated.
        Update.objects.create(
            period=previous,
            initiative=lines[code],
            body=lines[code].bodies.first(),
            state=Update.State.ACCEPTED,
            status=status,
            progress=None,
            narrative="Earlier report.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        period = services.period_open(
            user=secretariat, period=services.period_create(user=secretariat, year=2025, half=2)
        )
    common = {"period": period, "reviewer": reviewer}
    file_and_accept(
        **common, line=lines["T-1"], body="TELSOM", reporter=telsom, values={"status": "completed", "progress": 100}
    )
    file_and_accept(
        **common,
        line=lines["T-2"],
        body="TELSOM",
        reporter=telsom,
        values={
            "status": "delayed",
            "progress": 40,
            "reason": "awaiting_funding",
            "reason_explanation": "The partner's grant is late.",
            "blockers": "Awaiting funding from the partner.",
        },
    )
    file_and_accept(
        **common,
        line=lines["T-4"],
        body="ACCP",
        reporter=accp,
        values={"status": "in_progress", "progress": 60},
        member_states={"VN": "completed", "TH": "in_progress"},
    )
    return plan, period


def group(snapshot, kind, key):
    return next(g for g in snapshot["groups"][kind] if g["key"] == key)


def test_the_programme_totals_count_each_line_once_with_the_rules_applied(plan):
    snapshot = compute(plan[1], plan[0])
    totals = snapshot["totals"]
    assert totals["lines"] == 5
    assert totals["counts"] == {
        "not_started": 0,
        "in_progress": 2,
        "completed": 1,
        "delayed": 1,
        "discontinued": 0,
        "no_report": 1,
    }
    assert totals["completed_share"] == 20.0
    assert totals["avg_progress"] == 66.7  # (100 + 40 + 60) / 3: T-3's progress is not stated, T-5 never reported
    assert totals["progress_stated"] == 3
    assert totals["overdue"] == 2  # T-2 (2023) and T-5 (2020); T-1 is completed
    assert totals["not_reported"] == 2  # T-3 (carried from 2025-H1) and T-5


def test_every_level_uses_the_same_rule(plan):
    snapshot = compute(plan[1], plan[0])
    pa1, pa2 = group(snapshot, "priority_area", "TEST-PA1"), group(snapshot, "priority_area", "TEST-PA2")
    assert (pa1["lines"], pa1["completed_share"], pa1["avg_progress"], pa1["progress_stated"]) == (3, 33.3, 70.0, 2)
    assert (pa1["overdue"], pa1["not_reported"]) == (1, 1)
    assert (pa2["lines"], pa2["completed_share"], pa2["avg_progress"], pa2["overdue"], pa2["not_reported"]) == (
        2,
        0.0,
        60.0,
        1,
        1,
    )
    assert group(snapshot, "sub_heading", "TEST-PA1-S1")["avg_progress"] == 70.0
    assert group(snapshot, "body", "TELSOM")["lines"] == 2 and group(snapshot, "body", "ACCP")["lines"] == 3
    assert group(snapshot, "programme", "TEST")["avg_progress"] == 66.7
    viet_nam, thailand = group(snapshot, "member_state", "VN"), group(snapshot, "member_state", "TH")
    assert (viet_nam["lines"], viet_nam["avg_progress"], viet_nam["completed_share"]) == (2, 80.0, 50.0)
    assert (thailand["lines"], thailand["avg_progress"]) == (1, 60.0)


def test_a_line_not_reported_is_shown_as_missing_not_as_zero(plan):
    snapshot = compute(plan[1], plan[0])
    lines = {line["code"]: line for line in snapshot["lines"]}
    assert lines["T-3"]["reported"] is False and lines["T-3"]["source_period"] == "2025-H1"
    assert lines["T-3"]["status"] == "in_progress" and lines["T-3"]["progress"] is None
    assert lines["T-5"]["status"] == "no_report" and lines["T-5"]["progress"] is None and lines["T-5"]["overdue"]
    assert snapshot["missing"]["lines"] == ["T-3", "T-5"]
    missing_expected = {(e["body"], e["code"]) for e in snapshot["missing"]["expected"]}
    assert {("ACCP", "T-3"), ("ACCP", "T-5")} <= missing_expected


def test_changes_since_the_previous_period(plan):
    changes = compute(plan[1], plan[0])["changes"]
    assert changes["previous"] == "2025-H1"
    assert [(c["code"], c["from"], c["to"]) for c in changes["status_changes"]] == [
        ("T-1", "No report", "Completed"),
        ("T-2", "Not started", "Delayed"),
        ("T-4", "No report", "In progress"),
    ]
    assert [c["code"] for c in changes["newly_completed"]] == ["T-1"]
    assert [c["code"] for c in changes["newly_delayed"]] == ["T-2"]
    assert [c["code"] for c in changes["new_blockers"]] == ["T-2"]


def test_the_member_state_matrix_shows_each_states_progress(plan):
    matrix = compute(plan[1], plan[0])["member_state_matrix"]
    assert matrix["columns"] == ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]
    (row,) = matrix["rows"]
    assert row["code"] == "T-4" and row["completed"] == 1
    assert row["cells"]["VN"] == "completed" and row["cells"]["TH"] == "in_progress" and row["cells"]["BN"] is None


def test_completeness_reuses_the_expected_report_matrix(plan):
    completeness = {row["body"]: row for row in compute(plan[1], plan[0])["completeness"]}
    # Filed today, long after 2025-H2's deadline: both of TELSOM's reports came late.
    assert (completeness["TELSOM"]["late"], completeness["TELSOM"]["on_time"]) == (2, 0)
    assert completeness["ACCP"]["late"] == 1 and completeness["ACCP"]["missing"] >= 2


def test_the_roll_up_takes_as_many_queries_for_25_lines_as_for_5(plan, django_assert_max_num_queries):
    programme, period = plan
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        compute(period, programme)
    area = Area.objects.get(code="TEST-PA2")
    for n in range(20):
        line = add_line(programme, area, f"T-X{n}", "ACCP", 2021, per_member_state=True, named=["TH"])
        Update.objects.create(
            period=period, initiative=line, body=line.bodies.first(), state="accepted", status="in_progress", progress=n
        )
    with django_assert_max_num_queries(len(five)):
        snapshot = compute(period, programme)
    assert snapshot["totals"]["lines"] == 25


def test_a_report_on_an_earlier_period_leaves_out_what_was_reported_after_it(plan):
    programme, period = plan
    earlier = Period.objects.get(year=2025, half=1)

    snapshot = compute(earlier, programme)

    lines = {line["code"]: (line["status"], line["reported"]) for line in snapshot["lines"]}
    # Rebuilt today, the 2025-H1 report still says what was known in 2025-H1: 2025-H2's updates come after it.
    assert lines == {
        "T-1": ("no_report", False),
        "T-2": ("not_started", True),
        "T-3": ("in_progress", True),
        "T-4": ("no_report", False),
        "T-5": ("no_report", False),
    }
    assert snapshot["totals"]["counts"]["completed"] == 0


def test_a_report_leaves_out_later_periods_and_compares_with_the_period_just_before(plan):
    programme, period = plan
    later = Period.objects.create(year=2026, half=1, deadline=date(2026, 7, 31), state=Period.State.CLOSED)
    t3 = Initiative.objects.get(code="T-3")
    Update.objects.create(
        period=later,
        initiative=t3,
        body=t3.bodies.first(),
        state=Update.State.ACCEPTED,
        status="completed",
        progress=100,
        narrative="Done in 2026.",
    )

    snapshot = compute(period, programme)

    # 2026-H1 exists, with T-3 completed in it: the 2025-H2 report neither counts it nor compares with it.
    assert snapshot["period"]["previous"] == "2025-H1"
    t3_row = next(line for line in snapshot["lines"] if line["code"] == "T-3")
    assert (t3_row["status"], t3_row["source_period"]) == ("in_progress", "2025-H1")
    assert compute(later, programme)["period"]["previous"] == "2025-H2"


def test_the_latest_period_speaks_for_a_line_whenever_each_update_was_reviewed(plan):
    programme, period = plan
    t2 = Initiative.objects.get(code="T-2")
    older = Period.objects.create(year=2024, half=2, deadline=date(2025, 1, 31), state=Period.State.REVIEWED)
    late_review = timezone.now() + timedelta(days=1)
    # Earlier periods' updates reviewed after 2025-H2's: the period decides, not the time of review.
    Update.objects.filter(initiative=t2, period__code="2025-H1").update(reviewed_at=late_review)
    Update.objects.create(
        period=older,
        initiative=t2,
        body=t2.bodies.first(),
        state=Update.State.ACCEPTED,
        status="completed",
        progress=100,
        narrative="Reported as done in 2024.",
        reviewed_at=late_review,
    )

    lines = {line["code"]: line for line in compute(period, programme)["lines"]}
    earlier = {line["code"]: line for line in compute(Period.objects.get(code="2025-H1"), programme)["lines"]}

    assert (lines["T-2"]["status"], lines["T-2"]["source_period"]) == ("delayed", "2025-H2")
    assert (earlier["T-2"]["status"], earlier["T-2"]["source_period"]) == ("not_started", "2025-H1")
