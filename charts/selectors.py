"""The charts of a dashboard, from the roll-up's queries over the accepted (public) record only."""

from reporting.public_record import RECORD_DEFINITION, latest_reviewed_period, member_state_matrix, reporting_records
from reports.rollup import line_trend, standing, trend

from . import definitions


def dashboard(programme=None):
    """(period, standing, {slug: Chart}) for a plan, or every plan without one; six queries or fewer.

    The period is the latest with accepted updates: each line counts with its latest accepted status.
    """
    period = latest_reviewed_period()
    if period is None:
        return None, None, {}
    now = standing(period, programme)
    if programme:
        by_status = definitions.status_bars(
            now["groups"],
            now["statuses"],
            slug="status",
            title=f"Lines by status per priority area, {period.code}",
            group_heading="Priority area",
        )
    else:
        by_status = definitions.status_bars(
            now["groups"],
            now["statuses"],
            slug="status",
            title=f"Lines by status per plan, {period.code}",
            group_heading="Plan",
        )
    charts = [
        by_status,
        definitions.completion_trend(trend(programme, until=period)),
        definitions.overdue_by_target_year(
            now["overdue_by_target_year"], now["statuses"], title=f"Overdue lines by target year, {period.code}"
        ),
    ]
    return period, now, {chart.slug: chart for chart in charts}


def line_chart(initiative, history=None):
    """A line's status and stated progress, from its first accepted period to the latest review; None if never
    reported. Two queries (one more without the line's accepted history, which its page has already read)."""
    if history is None:
        from reporting.public_record import accepted_history

        history = accepted_history(initiative)
    if not history:
        return None
    until = latest_reviewed_period()
    return definitions.line_progress(line_trend(initiative, since=history[-1][0], until=until))


def completeness():
    """(chart, how it is counted): every body's reporting record over the periods, as on its page. One query."""
    return definitions.completeness_heatmap(reporting_records()), RECORD_DEFINITION


def member_states():
    """The Member State heatmap: each AMS's latest accepted status on each per-AMS line. Two queries."""
    from reporting.models import MemberStateProgress
    from workprogramme.models import MemberState

    return definitions.member_state_heatmap(
        member_state_matrix(), list(MemberState.objects.all()), dict(MemberStateProgress.Status.choices)
    )
