"""The PDF export: the report as issued to SEOM, with its charts."""

import io
from xml.sax.saxutils import escape

from charts import render as draw
from charts.report import report_charts

from ..cells import xml_legible
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
    lines_in,
    missing_expected_label,
    period_span,
    progress_label,
    reported_label,
    summary_header,
    summary_row,
)


def markup(text):
    """`text` as ReportLab paragraph markup: shown literally, never read as tags, entities or attributes."""
    escaped = escape(xml_legible(text), {'"': "&quot;", "'": "&#39;"})
    return escaped.replace("\r\n", "\n").replace("\n", "<br/>")


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

    story += [PageBreak(), p("Charts", h1)]
    for chart in report_charts(snapshot):
        picture = [p(chart.title, h2), _picture(chart, width), p(chart.summary, small)]
        if chart.note:
            picture.append(p(chart.note, small))
        story += [KeepTogether(picture), grid(chart.header, chart.rows), Spacer(1, 0.3 * cm)]

    story += [PageBreak(), p("Summary tables", h1)]
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


def _picture(chart, width):
    """The chart as a PNG drawn by the same definition as the web page's SVG, at most the frame's width."""
    from reportlab.platypus import Image

    data = draw.png(chart)
    pixels_wide, pixels_high = draw.png_size(data)
    # Drawn at 3 pixels per CSS pixel; a CSS pixel is 0.75 pt.
    natural = pixels_wide / 3 * 0.75
    scale = min(1.0, width / natural)
    return Image(io.BytesIO(data), width=natural * scale, height=pixels_high / 3 * 0.75 * scale)
