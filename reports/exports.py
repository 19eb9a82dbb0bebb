"""The four exports of a progress report, all written from its frozen snapshot and nothing else."""

import csv
import io
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.utils import timezone

from .cells import csv_cell, spreadsheet_cell, xml_legible

GROUPS = [
    ("priority_area", "By priority area"),
    ("programme", "By programme"),
    ("sub_heading", "By sub-heading"),
    ("outcome", "By AWPEC outcome"),
    ("body", "By implementing body"),
    ("member_state", "By Member State"),
]
GROUP_NOTES = {
    "body": "Lines a body leads or implements; a line with several bodies counts under each.",
    "member_state": "Lines that name the Member State, and lines tracked for every Member State.",
}
STATUS_COLOURS = {
    "not_started": "#6b7280",
    "in_progress": "#1d4ed8",
    "completed": "#15803d",
    "delayed": "#b45309",
    "discontinued": "#7f1d1d",
    "no_report": "#d1d5db",
}
LINE_COLUMNS = [
    ("code", "Code"),
    ("number", "Number as printed"),
    ("programme", "Programme"),
    ("priority_area", "Priority area"),
    ("area_code", "Area"),
    ("outcome", "Outcome"),
    ("title", "Initiative"),
    ("bodies", "Implementing bodies"),
    ("timeline", "Timeline"),
    ("target_year", "Target year"),
    ("status_label", "Status"),
    ("progress", "Progress (%)"),
    ("reported", "Reported this period"),
    ("source_period", "Status from period"),
    ("overdue", "Overdue"),
    ("reporting_body", "Reported by"),
    ("narrative", "Narrative"),
    ("next_steps", "Next steps"),
    ("blockers", "Blockers and risks"),
    ("evidence", "Evidence"),
]


# Shared wording, so that every format says the same thing in the same words ------------------------------------


def percent(value):
    return "not stated" if value is None else f"{value:.1f}%"


def average_label(group):
    if group["avg_progress"] is None:
        return f"not stated (0 of {group['lines']})"
    return f"{group['avg_progress']:.1f}% ({group['progress_stated']} of {group['lines']} stated)"


def progress_label(line):
    return "not stated" if line["progress"] is None else f"{line['progress']}%"


def reported_label(line, period_code):
    if line["reported"]:
        return "Reported"
    if line["source_period"]:
        return f"Not reported in {period_code}: status carried from {line['source_period']}"
    return "Never reported"


def status_keys(snapshot):
    return [key for key, _ in snapshot["statuses"]]


def summary_header(snapshot, first="Group"):
    return (
        [first, "Lines"]
        + [label for _, label in snapshot["statuses"]]
        + ["Share completed", "Average progress", "Overdue", "Not reported this period"]
    )


def summary_row(snapshot, group, label=None):
    return (
        [label or group["label"], group["lines"]]
        + [group["counts"][key] for key in status_keys(snapshot)]
        + [percent(group["completed_share"]), average_label(group), group["overdue"], group["not_reported"]]
    )


def evidence_text(line):
    return "; ".join(f"{e['title']} {e['url']}".strip() for e in line["evidence"])


def line_values(line, period_code):
    """One initiative as a flat row (CSV and XLSX)."""
    values = []
    for key, _ in LINE_COLUMNS:
        value = line.get(key)
        if key == "evidence":
            value = evidence_text(line)
        elif key == "reported":
            value = "yes" if line["reported"] else "no"
        elif key == "overdue":
            value = "yes" if line["overdue"] else "no"
        elif key == "progress":
            value = "not stated" if value is None else value
        elif key == "source_period":
            value = value or "never reported"
        values.append("" if value is None else value)
    return values


def issued_on(report):
    return timezone.localtime(report.issued_at).strftime("%d %B %Y") if report.issued_at else ""


def period_span(snapshot):
    start = date.fromisoformat(snapshot["period"]["starts_on"])
    end = date.fromisoformat(snapshot["period"]["ends_on"])
    return f"{start:%d %B %Y} to {end:%d %B %Y}"


def computed_on(snapshot):
    return datetime.fromisoformat(snapshot["computed_at"]).strftime("%d %B %Y %H:%M")


def issuer(report):
    user = report.issued_by
    return user.get_full_name() or user.get_username()


def areas_in_order(snapshot):
    return [(g["key"], g["label"]) for g in snapshot["groups"]["priority_area"]]


def lines_in(snapshot, area_code):
    return [line for line in snapshot["lines"] if line["priority_area"] == area_code]


def matrix_rows(snapshot):
    """The per-Member-State matrix with one short mark per cell, columns in the snapshot's order."""
    matrix = snapshot["member_state_matrix"]
    return [
        {
            "code": r["code"],
            "title": r["title"],
            "cells": [MS_SHORT.get(r["cells"][c], "–") for c in matrix["columns"]],
            "completed": r["completed"],
        }
        for r in matrix["rows"]
    ]


def legible(value):
    """The snapshot (or any of its parts) with every text made legible to XML, for the DOCX and XLSX writers."""
    if isinstance(value, str):
        return xml_legible(value)
    if isinstance(value, dict):
        return {key: legible(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [legible(item) for item in value]
    return value


def markup(text):
    """`text` as ReportLab paragraph markup: shown literally, never read as tags, entities or attributes."""
    escaped = escape(xml_legible(text), {'"': "&quot;", "'": "&#39;"})
    return escaped.replace("\r\n", "\n").replace("\n", "<br/>")


def missing_expected_label(item):
    return f"{item['code']}" + (f" output {item['output']}" if item["output"] else "")


# CSV ------------------------------------------------------------------------------------------------------------


def to_csv(report):
    snapshot = report.snapshot
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(label) for _, label in LINE_COLUMNS])
    for line in snapshot["lines"]:
        writer.writerow([csv_cell(value) for value in line_values(line, snapshot["period"]["code"])])
    # UTF-8 with a byte-order mark: Excel then opens accented names correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# XLSX -----------------------------------------------------------------------------------------------------------


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


CHANGE_KINDS = [
    ("status_changes", "Status changed"),
    ("newly_completed", "Newly completed"),
    ("newly_delayed", "Newly delayed"),
    ("new_blockers", "New blocker"),
]


# DOCX -----------------------------------------------------------------------------------------------------------


def to_docx(report):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    snapshot = legible(report.snapshot)
    title, executive_summary, issued_by = legible([report.title, report.executive_summary, issuer(report)])
    period = snapshot["period"]["code"]
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(10)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)

    def table(header, rows, size=8):
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
                run.font.size = Pt(size)
        for row in rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = "" if value is None else str(value)
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(size)
        document.add_paragraph()
        return grid

    # Cover
    for text, size, bold in [
        ("ASEAN Coordinating Committee on Electronic Commerce (ACCEC)", 12, False),
        (snapshot["programme"]["title"], 14, False),
        (title, 24, True),
        (f"Progress report for {period} ({period_span(snapshot)})", 13, False),
    ]:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
    for text in [
        f"Version {report.version}",
        f"Issued by {issued_by} on {issued_on(report)}",
        f"Figures computed {computed_on(snapshot)} from accepted updates",
    ]:
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_page_break()

    document.add_heading("Executive summary", level=1)
    for paragraph in (executive_summary or "No executive summary was given.").split("\n\n"):
        document.add_paragraph(paragraph.strip())
    totals = snapshot["totals"]
    document.add_heading("Key figures", level=2)
    for text in key_figures(snapshot):
        document.add_paragraph(text, style="List Bullet")
    document.add_heading("How the figures are computed", level=2)
    document.add_paragraph(snapshot["rule"])

    # The wide tables read better across the page.
    landscape = document.add_section()
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = section.page_height, section.page_width
    document.add_heading("Summary tables", level=1)
    document.add_heading("All lines", level=2)
    table(summary_header(snapshot, "Programme"), [summary_row(snapshot, totals, "All lines")])
    for key, heading in GROUPS:
        document.add_heading(heading, level=2)
        if key in GROUP_NOTES:
            document.add_paragraph(GROUP_NOTES[key])
        table(summary_header(snapshot), [summary_row(snapshot, g) for g in snapshot["groups"][key]])

    document.add_heading("Reporting completeness and timeliness by body", level=1)
    if snapshot["completeness"]:
        table(
            ["Body", "Expected", "Submitted on time", "Submitted late", "Missing"],
            [[r["body"], r["expected"], r["on_time"], r["late"], r["missing"]] for r in snapshot["completeness"]],
        )
    else:
        document.add_paragraph(NO_CALL.format(period=period))

    document.add_heading(changes_heading(snapshot), level=1)
    for text in changes_paragraphs(snapshot):
        document.add_paragraph(text)
    for key, label in CHANGE_KINDS:
        if snapshot["changes"][key]:
            document.add_heading(label, level=2)
            table(
                ["Code", "Initiative", "From", "To"] if key != "new_blockers" else ["Code", "Initiative", "Blockers"],
                [
                    [c["code"], c["title"], c["from"], c["to"]]
                    if key != "new_blockers"
                    else [c["code"], c["title"], c["blockers"]]
                    for c in snapshot["changes"][key]
                ],
            )

    portrait = document.add_section()
    portrait.orientation = WD_ORIENT.PORTRAIT
    portrait.page_width, portrait.page_height = section.page_width, section.page_height
    document.add_heading("Initiatives by priority area", level=1)
    for code, label in areas_in_order(snapshot):
        document.add_heading(label, level=2)
        for line in lines_in(snapshot, code):
            document.add_heading(f"{line['code']} {line['title']}", level=3)
            facts = document.add_paragraph()
            facts.add_run("Status: ").bold = True
            facts.add_run(f"{line['status_label']}. ")
            facts.add_run("Progress: ").bold = True
            facts.add_run(f"{progress_label(line)}. ")
            facts.add_run("Bodies: ").bold = True
            facts.add_run(f"{line['bodies']}. ")
            facts.add_run("Timeline: ").bold = True
            facts.add_run(f"{line['timeline'] or 'none given'}{' (overdue)' if line['overdue'] else ''}. ")
            facts.add_run(reported_label(line, period) + ".").italic = True
            if line["narrative"]:
                document.add_paragraph(line["narrative"])
            if line["blockers"]:
                document.add_paragraph(f"Blockers and risks: {line['blockers']}")
            if line["next_steps"]:
                document.add_paragraph(f"Next steps: {line['next_steps']}")
            for item in line["evidence"]:
                document.add_paragraph(f"{item['title']} {item['url']}".strip(), style="List Bullet")

    matrix = snapshot["member_state_matrix"]
    annex = document.add_section()
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = section.page_height, section.page_width
    document.add_heading("Annex A. Progress by Member State", level=1)
    document.add_paragraph(MATRIX_NOTE)
    table(
        ["Code", "Initiative"] + matrix["columns"] + ["Completed"],
        [
            [r["code"], r["title"]] + [MS_SHORT.get(r["cells"][c], "–") for c in matrix["columns"]] + [r["completed"]]
            for r in matrix["rows"]
        ],
        size=7,
    )
    document.add_heading("Annex B. Missing reports", level=1)
    document.add_paragraph(MISSING_NOTE.format(period=period))
    table(
        ["Code", "Initiative", "Bodies", "Status carried from"],
        [
            [line["code"], line["title"], line["bodies"], line["source_period"] or "never reported"]
            for line in snapshot["lines"]
            if not line["reported"]
        ],
    )
    if snapshot["missing"]["expected"]:
        table(
            ["Body", "Expected report not received"],
            [[e["body"], missing_expected_label(e)] for e in snapshot["missing"]["expected"]],
        )

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


NO_CALL = "No reports were called for in {period}, so no body owed one (its updates are DIFAP's mid-2019 baseline)."
MATRIX_NOTE = (
    "Lines tracked per Member State, from each line's effective update. C: completed (ratified or implemented); "
    "P: in progress; N: not started; –: not stated."
)
MISSING_NOTE = (
    "Lines with no accepted update in {period}. Their status in the tables is carried from the period named, "
    "or counted as 'no report' when they were never reported."
)
MS_SHORT = {"completed": "C", "in_progress": "P", "not_started": "N"}


def key_figures(snapshot):
    totals = snapshot["totals"]
    period = snapshot["period"]["code"]
    counts = ", ".join(f"{totals['counts'][key]} {label.lower()}" for key, label in snapshot["statuses"])
    return [
        f"{totals['lines']} lines: {counts}.",
        f"Share completed: {percent(totals['completed_share'])}.",
        f"Average progress: {average_label(totals)}.",
        f"Overdue (target year passed, not completed): {totals['overdue']}.",
        f"Not reported in {period}: {totals['not_reported']}.",
    ]


def changes_heading(snapshot):
    previous = snapshot["changes"]["previous"]
    return f"Changes since {previous}" if previous else "Changes since the previous period"


def changes_paragraphs(snapshot):
    changes = snapshot["changes"]
    if not changes["previous"]:
        return [f"There is no earlier period: {snapshot['period']['code']} is the first (the baseline)."]
    return [
        f"{len(changes['status_changes'])} status changes, {len(changes['newly_completed'])} newly completed, "
        f"{len(changes['newly_delayed'])} newly delayed, {len(changes['new_blockers'])} new blockers."
    ]


# PDF ------------------------------------------------------------------------------------------------------------


def to_pdf(report):
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    snapshot = report.snapshot
    period = snapshot["period"]["code"]
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = ParagraphStyle("small", parent=body, fontSize=7, leading=8.5)
    small_bold = ParagraphStyle("small_bold", parent=small, fontName="Helvetica-Bold", fontSize=6, leading=7.5)
    centred = ParagraphStyle("centred", parent=body, alignment=TA_CENTER, fontSize=12, leading=16)
    cover_title = ParagraphStyle("cover_title", parent=styles["Title"], fontSize=24, leading=30)
    h1, h2, h3 = styles["Heading1"], styles["Heading2"], ParagraphStyle("h3", parent=styles["Heading3"], fontSize=10)
    width = A4[0] - 4 * cm

    def p(text, style=body):
        return Paragraph(markup(text), style)

    def grid(header, rows, widths=None, font=small):
        data = [[p(h, small_bold) for h in header]] + [[p(v, font) for v in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dce6f0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def summary_table(groups, first="Group"):
        header = summary_header(snapshot, first)
        numbers = (width - 4.4 * cm) / (len(header) - 1)
        widths = [4.4 * cm] + [numbers] * (len(header) - 1)
        widths[-3] = numbers * 1.6  # average progress carries its "n of N stated"
        widths[1] = numbers * 0.7
        widths[-1] = numbers * 0.7
        return grid(header, groups, widths)

    def on_page(canvas, doc):
        if doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#5a6470"))
        canvas.drawString(2 * cm, 1.2 * cm, f"{report.title} · {period} · version {report.version}")
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {doc.page}")
        canvas.restoreState()

    story = [
        Spacer(1, 4 * cm),
        p("ASEAN Coordinating Committee on Electronic Commerce (ACCEC)", centred),
        Spacer(1, 0.4 * cm),
        p(snapshot["programme"]["title"], centred),
        Spacer(1, 1.5 * cm),
        p(report.title, cover_title),
        Spacer(1, 0.6 * cm),
        p(f"Progress report for {period}", centred),
        p(period_span(snapshot), centred),
        Spacer(1, 4 * cm),
        p(f"Version {report.version}", centred),
        p(f"Issued by {issuer(report)} on {issued_on(report)}", centred),
        p(f"Figures computed {computed_on(snapshot)} from accepted updates", centred),
        PageBreak(),
        p("Executive summary", h1),
    ]
    story += [p(text) for text in (report.executive_summary or "No executive summary was given.").split("\n\n")]
    story += [p("Key figures", h2)] + [p("• " + text) for text in key_figures(snapshot)]
    story += [p("How the figures are computed", h2), p(snapshot["rule"])]

    story += [PageBreak(), p("Summary tables", h1), p("Status of lines by priority area", h2), _status_chart(snapshot)]
    story += [p("All lines", h2), summary_table([summary_row(snapshot, snapshot["totals"], "All lines")])]
    for key, heading in GROUPS:
        block = [p(heading, h2)]
        if key in GROUP_NOTES:
            block.append(p(GROUP_NOTES[key], small))
        story += block + [summary_table([summary_row(snapshot, g) for g in snapshot["groups"][key]])]

    story += [p("Reporting completeness and timeliness by body", h1)]
    if snapshot["completeness"]:
        story.append(
            grid(
                ["Body", "Expected", "Submitted on time", "Submitted late", "Missing"],
                [[r["body"], r["expected"], r["on_time"], r["late"], r["missing"]] for r in snapshot["completeness"]],
            )
        )
    else:
        story.append(p(NO_CALL.format(period=period)))

    story += [p(changes_heading(snapshot), h1)] + [p(text) for text in changes_paragraphs(snapshot)]
    for key, label in CHANGE_KINDS:
        if snapshot["changes"][key]:
            story.append(p(label, h2))
            if key == "new_blockers":
                rows = [[c["code"], c["title"], c["blockers"]] for c in snapshot["changes"][key]]
                story.append(grid(["Code", "Initiative", "Blockers"], rows, [2.5 * cm, 6 * cm, width - 8.5 * cm]))
            else:
                rows = [[c["code"], c["title"], c["from"], c["to"]] for c in snapshot["changes"][key]]
                story.append(
                    grid(["Code", "Initiative", "From", "To"], rows, [2.5 * cm, width - 7.5 * cm, 2.5 * cm, 2.5 * cm])
                )

    story += [PageBreak(), p("Initiatives by priority area", h1)]
    for code, label in areas_in_order(snapshot):
        story.append(p(label, h2))
        for line in lines_in(snapshot, code):
            facts = (
                f"<b>Status:</b> {markup(line['status_label'])} · <b>Progress:</b> {markup(progress_label(line))} · "
                f"<b>Bodies:</b> {markup(line['bodies'])} · <b>Timeline:</b> {markup(line['timeline'] or 'none given')}"
                f"{' · <b>overdue</b>' if line['overdue'] else ''}<br/><i>{markup(reported_label(line, period))}</i>"
            )
            entry = [p(f"{line['code']} {line['title']}", h3), Paragraph(facts, small)]
            if line["narrative"]:
                entry.append(p(line["narrative"], small))
            if line["blockers"]:
                entry.append(p(f"Blockers and risks: {line['blockers']}", small))
            if line["next_steps"]:
                entry.append(p(f"Next steps: {line['next_steps']}", small))
            for item in line["evidence"]:
                link = (
                    f'<link href="{markup(item["url"])}" color="blue">{markup(item["url"])}</link>'
                    if item["url"]
                    else ""
                )
                entry.append(Paragraph(f"Evidence: {markup(item['title'])} {link}", small))
            story.append(KeepTogether(entry[:3]))
            story += entry[3:]

    matrix = snapshot["member_state_matrix"]
    story += [PageBreak(), p("Annex A. Progress by Member State", h1), p(MATRIX_NOTE, small)]
    cols = matrix["columns"]
    story.append(
        grid(
            ["Code", "Initiative"] + cols + ["Completed"],
            [
                [r["code"], r["title"]]
                + [MS_SHORT.get(r["cells"][c], "–") for c in cols]
                + [f"{r['completed']} of {len(cols)}"]
                for r in matrix["rows"]
            ],
            [2.2 * cm, width - 2.2 * cm - 0.8 * cm * len(cols) - 1.6 * cm] + [0.8 * cm] * len(cols) + [1.6 * cm],
        )
    )
    story += [p("Annex B. Missing reports", h1), p(MISSING_NOTE.format(period=period), small)]
    story.append(
        grid(
            ["Code", "Initiative", "Bodies", "Status carried from"],
            [
                [line["code"], line["title"], line["bodies"], line["source_period"] or "never reported"]
                for line in snapshot["lines"]
                if not line["reported"]
            ],
            [2.5 * cm, width - 9 * cm, 3.5 * cm, 3 * cm],
        )
    )
    if snapshot["missing"]["expected"]:
        story += [
            p("Expected reports not received", h2),
            grid(["Body", "Line"], [[e["body"], missing_expected_label(e)] for e in snapshot["missing"]["expected"]]),
        ]

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=report.title,
        author=issuer(report),
        subject=f"{snapshot['programme']['code']} progress report {period}",
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


def _status_chart(snapshot):
    """A stacked bar per priority area: how many of its lines are in each status."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    groups = snapshot["groups"]["priority_area"]
    keys = status_keys(snapshot)
    drawing = Drawing(460, 220)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, 300, 160
    chart.data = [[g["counts"][key] for g in groups] for key in keys]
    chart.categoryAxis.categoryNames = [
        f"PA{g['key'].rsplit('PA', 1)[-1]}" if "PA" in g["key"] else g["key"] for g in groups
    ]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 8
    chart.barWidth = 10
    for index, key in enumerate(keys):
        chart.bars[index].fillColor = colors.HexColor(STATUS_COLOURS[key])
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 360, 190
    legend.fontSize = 8
    legend.alignment = "right"
    legend.colorNamePairs = [(colors.HexColor(STATUS_COLOURS[key]), label) for key, label in snapshot["statuses"]]
    drawing.add(legend)
    return drawing
