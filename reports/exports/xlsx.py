"""The Excel export: the report's facts, every initiative, the summary tables and the annexes, a sheet each."""

import io

from charts.definitions import TREND_SERIES
from charts.report import report_charts

from ..cells import spreadsheet_cell
from .wording import (
    CHANGE_KINDS,
    GROUP_NOTES,
    GROUPS,
    LINE_COLUMNS,
    computed_on,
    issued_on,
    issuer,
    legible,
    line_values,
    missing_expected_label,
    period_span,
    summary_header,
    summary_row,
)


def to_xlsx(report):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    snapshot = legible(report.snapshot)
    period = snapshot["period"]["code"]
    book = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DCE6F0")

    def append(sheet, row):
        sheet.append([spreadsheet_cell(value) for value in row])

    def table(sheet, header, rows, widths=None):
        append(sheet, header)
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            append(sheet, row)
        for index, width in enumerate(widths or [], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    about = book.active
    about.title = "Report"
    about["A1"] = spreadsheet_cell(report.title)
    about["A1"].font = Font(bold=True, size=14)
    facts = [
        ("Programme", snapshot["programme"]["title"]),
        ("Period", f"{period} ({period_span(snapshot)})"),
        ("Version", report.version),
        ("Issued by", issuer(report)),
        ("Date of issue", issued_on(report)),
        ("Figures computed", computed_on(snapshot)),
        ("Executive summary", report.executive_summary),
        ("How the figures are computed", snapshot["rule"]),
    ]
    for index, (label, value) in enumerate(facts, start=3):
        about.cell(row=index, column=1, value=spreadsheet_cell(label)).font = bold
        cell = about.cell(row=index, column=2, value=spreadsheet_cell(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100

    lines = book.create_sheet("Initiatives")
    table(
        lines,
        [label for _, label in LINE_COLUMNS],
        [line_values(line, period) for line in snapshot["lines"]],
        [12, 9, 10, 11, 16, 11, 50, 22, 12, 8, 12, 9, 9, 11, 8, 12, 60, 40, 40, 40],
    )
    lines.freeze_panes = "B2"
    lines.auto_filter.ref = lines.dimensions

    summary = book.create_sheet("Summary")
    append(summary, [f"{snapshot['programme']['code']} {period}: all lines"])
    summary["A1"].font = bold
    table(summary, summary_header(snapshot), [summary_row(snapshot, snapshot["totals"], "All lines")])
    for key, heading in GROUPS:
        summary.append([])
        append(summary, [heading])
        summary.cell(row=summary.max_row, column=1).font = bold
        if key in GROUP_NOTES:
            append(summary, [GROUP_NOTES[key]])
        table(summary, summary_header(snapshot), [summary_row(snapshot, g) for g in snapshot["groups"][key]])
    summary.column_dimensions["A"].width = 60
    for index in range(2, 14):
        summary.column_dimensions[get_column_letter(index)].width = 13
    summary.column_dimensions["J"].width = 24

    _charts_sheet(book.create_sheet("Charts"), report_charts(snapshot))

    completeness = book.create_sheet("Completeness")
    table(
        completeness,
        ["Body", "Name", "Expected", "Submitted on time", "Submitted late", "Missing"],
        [
            [r["body"], r["name"], r["expected"], r["on_time"], r["late"], r["missing"]]
            for r in snapshot["completeness"]
        ],
        [14, 60, 10, 16, 14, 10],
    )

    changes = book.create_sheet("Changes")
    table(
        changes,
        ["Change", "Code", "Initiative", "From", "To", "Blockers"],
        [
            [label, c["code"], c["title"], c.get("from", ""), c.get("to", ""), c.get("blockers", "")]
            for key, label in CHANGE_KINDS
            for c in snapshot["changes"][key]
        ],
        [20, 12, 60, 14, 14, 50],
    )

    matrix = snapshot["member_state_matrix"]
    ms = book.create_sheet("Member States")
    table(
        ms,
        ["Code", "Initiative", "Status from period"] + matrix["columns"] + ["Completed"],
        [
            [r["code"], r["title"], r["source_period"] or "never reported"]
            + [
                matrix["labels"].get(r["cells"][c], "not stated") if r["cells"][c] else "not stated"
                for c in matrix["columns"]
            ]
            + [r["completed"]]
            for r in matrix["rows"]
        ],
        [12, 50, 12] + [12] * len(matrix["columns"]) + [10],
    )

    missing = book.create_sheet("Missing reports")
    table(
        missing,
        ["Code", "Initiative", "Bodies", "Status carried from"],
        [
            [line["code"], line["title"], line["bodies"], line["source_period"] or "never reported"]
            for line in snapshot["lines"]
            if not line["reported"]
        ],
        [12, 60, 24, 18],
    )
    if snapshot["missing"]["expected"]:
        missing.append([])
        table(
            missing,
            ["Body", "Expected report not received"],
            [[e["body"], missing_expected_label(e)] for e in snapshot["missing"]["expected"]],
        )

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _charts_sheet(sheet, charts):
    """Each chart's numbers as a table of numbers, with Excel's own chart of them beside it."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Font

    dashes = ["solid", "dash", "sysDot"]
    markers = [shape.replace("triangle-up", "triangle") for _, _, _, shape in TREND_SERIES]
    row = 1
    for chart in charts:
        sheet.cell(row=row, column=1, value=spreadsheet_cell(chart.title)).font = Font(bold=True, size=12)
        for column, heading in enumerate(chart.header, start=1):
            sheet.cell(row=row + 1, column=column, value=spreadsheet_cell(heading)).font = Font(bold=True)
        first = row + 2
        for offset, values in enumerate(chart.values):
            for index, value in enumerate(values):
                percent = index in chart.percent_columns
                cell = sheet.cell(
                    row=first + offset,
                    column=index + 1,
                    value=value / 100 if percent and value is not None else spreadsheet_cell(value),
                )
                if percent:
                    cell.number_format = "0.0%"
        last = first + max(len(chart.values), 1) - 1
        if chart.kind == "line":
            drawing = LineChart()
            drawing.y_axis.number_format = "0%"
            drawing.y_axis.scaling.min, drawing.y_axis.scaling.max = 0, 1
        else:
            drawing = BarChart()
            drawing.type = chart.kind
            drawing.grouping, drawing.overlap = "stacked", 100
        for index, column in enumerate(chart.series):
            data = Reference(sheet, min_col=column + 1, min_row=first - 1, max_row=last)
            drawing.add_data(data, titles_from_data=True)
            series = drawing.series[-1]
            colour = chart.colours[index].lstrip("#")
            if chart.kind == "line":
                series.graphicalProperties.line.solidFill = colour
                series.graphicalProperties.line.dashStyle = dashes[index]
                series.marker.symbol = markers[index]
            else:
                series.graphicalProperties.solidFill = colour
                series.graphicalProperties.line.solidFill = "333333"
        drawing.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        drawing.title = chart.title
        drawing.width, drawing.height = 18, 9
        sheet.add_chart(drawing, f"J{row}")
        # Room for the drawing (about 18 rows) before the next table.
        row = max(last + 3, row + 20)
    sheet.column_dimensions["A"].width = 40
