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


def timeline(queryset, today=None):
    """The timeline chart of the lines in `queryset` (filtered as the initiative list is), each with its latest
    accepted status. A fixed number of queries: the lines with their listings, and the latest period."""
    from datetime import date

    from django.db.models import CharField, Subquery

    from reports.rollup import NO_REPORT, STATUS_LABELS, effective_updates
    from workprogramme.models import CLOSED_STATUSES

    today = today or date.today()
    period = latest_reviewed_period()
    if period is not None:
        effective = effective_updates(period)
        queryset = queryset.annotate(eff_status=Subquery(effective.values("status")[:1], output_field=CharField()))
    lines = []
    for line in queryset:
        listing = next((lst for lst in line.listings.all() if lst.programme_id == line.programme_id), None)
        area = (listing.area.parent or listing.area) if listing else None
        status = getattr(line, "eff_status", None) or NO_REPORT
        lines.append(
            {
                "code": line.code,
                "programme": line.programme,
                "area": area,
                "group": f"{line.programme.code} · {area.title}" if area else line.programme.code,
                "start": line.programme.start_year,
                "target_year": line.target_year if line.timeline_kind in ("year", "years") else None,
                "timeline": line.timeline,
                "timeline_label": line.get_timeline_kind_display(),
                "status": status,
                "overdue": bool(line.target_year and line.target_year < today.year and status not in CLOSED_STATUSES),
            }
        )
    lines.sort(key=lambda x: (x["programme"].position, x["area"].position if x["area"] else -1))
    start = min((line["start"] for line in lines), default=today.year)
    end = max(
        [line["target_year"] or 0 for line in lines] + [line["programme"].end_year for line in lines] + [today.year]
    )
    return definitions.timeline(
        lines, today=today, start_year=start, end_year=end, statuses=list(STATUS_LABELS.items())
    )
