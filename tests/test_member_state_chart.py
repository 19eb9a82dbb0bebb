"""Progress by Member State: line x AMS, each cell the AMS's latest accepted status, as on its own page."""

import pytest

from reporting.models import MemberStateProgress
from reporting.public_record import member_state_progress
from workprogramme.models import MemberState

from .leaks import file_marker_updates
from .test_dashboards import pictures, tables
from .test_report_rollup import plan  # noqa: F401  (the hand-made plan, a fixture)

pytestmark = pytest.mark.django_db


def test_each_column_is_what_the_member_states_page_shows(client, plan):  # noqa: F811
    html = client.get("/dashboards/member-states/").content.decode()
    (table,) = tables(html)
    header, rows = table[0], table[1:]
    labels = dict(MemberStateProgress.Status.choices)
    t4 = next(row for row in rows if row[0] == "T-4")
    assert t4[header.index("VN")] == "Completed (ratified / implemented) (2025-H2)"
    assert t4[header.index("TH")] == "In progress (2025-H2)" and t4[header.index("SG")] == "not stated"
    for ms in MemberState.objects.all():
        on_its_page = {
            row.update.initiative.code + (f" output {row.update.output.position}" if row.update.output_id else ""): (
                f"{labels[row.status]} ({row.update.period.code})"
            )
            for row in member_state_progress(ms)
        }
        column = {row[0]: row[header.index(ms.code)] for row in rows if row[header.index(ms.code)] != "not stated"}
        assert column == on_its_page, ms.code
    ((src, alt),) = pictures(html)
    completed_vn = sum(1 for row in rows if row[header.index("VN")].startswith("Completed"))
    assert f"VN {completed_vn}." in alt and client.get(src)["Content-Type"] == "image/svg+xml"


def test_nothing_but_accepted_statuses_and_a_fixed_number_of_queries(client, plan, django_assert_num_queries):  # noqa: F811
    with django_assert_num_queries(5):  # the request's savepoint (2), the statuses, the Member States, the plans
        before = client.get("/dashboards/member-states/").content.decode()
    file_marker_updates(plan[1], "MS-MARKER")
    with django_assert_num_queries(5):
        after = client.get("/dashboards/member-states/").content.decode()
    assert "MS-MARKER" not in after and tables(after) == tables(before)
