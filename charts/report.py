"""A progress report's charts, from its frozen figures only: the page, PDF, DOCX and XLSX draw these same ones."""

from . import definitions


def report_charts(snapshot):
    """[Chart] of a report's snapshot. Reports issued before the trend and overdue figures were frozen show what
    they froze: the lines by status per priority area."""
    period = snapshot["period"]["code"]
    charts = [
        definitions.status_bars(
            snapshot["groups"]["priority_area"],
            snapshot["statuses"],
            slug="status",
            title=f"Lines by status per priority area, {period}",
            group_heading="Priority area",
        )
    ]
    if "trend" in snapshot:
        charts.append(definitions.completion_trend(snapshot["trend"]))
    if "overdue_by_target_year" in snapshot:
        charts.append(
            definitions.overdue_by_target_year(
                snapshot["overdue_by_target_year"],
                snapshot["statuses"],
                title=f"Overdue lines by target year, {period}",
            )
        )
    return charts
