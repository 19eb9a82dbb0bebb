"""The Word export: the report as a document, laid out like the PDF."""

import io

from charts import render as draw
from charts.report import report_charts

from .wording import (
    CHANGE_KINDS,
    GROUP_NOTES,
    GROUPS,
    MATRIX_NOTE,
    MISSING_NOTE,
    MS_SHORT,
    NO_CALL,
    areas_in_order,
    changes_heading,
    changes_paragraphs,
    computed_on,
    issued_on,
    issuer,
    key_figures,
    legible,
    lines_in,
    missing_expected_label,
    period_span,
    progress_label,
    reported_label,
    summary_header,
    summary_row,
)


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

    document.add_heading("Charts", level=1)
    for chart in report_charts(snapshot):
        document.add_heading(chart.title, level=2)
        data = draw.png(chart)
        # Drawn at 3 pixels per CSS pixel (96 per inch); never wider than the text.
        picture = document.add_picture(io.BytesIO(data), width=Cm(min(17.0, draw.png_size(data)[0] / 3 / 96 * 2.54)))
        # Word reads these as the picture's title and alternative text.
        picture._inline.docPr.set("title", chart.title)
        picture._inline.docPr.set("descr", chart.summary)
        document.add_paragraph(chart.summary)
        if chart.note:
            document.add_paragraph(chart.note)
        table(chart.header, chart.rows)

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
