"""The Word export: the report as a document, laid out like the PDF."""

import copy
import functools
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
    document = _InOrder(document, Document())

    def table(header, rows, size=8):
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
                run.font.size = Pt(size)
        template = None
        for row in rows:
            texts = ["" if value is None else str(value) for value in row]
            if template is not None and not any(PLAIN_TEXT_BREAKS.intersection(text) for text in texts):
                _add_row_like(grid, template, texts)
                continue
            cells = grid.add_row().cells
            for cell, text in zip(cells, texts, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(size)
            if template is None and all(texts):  # a row whose every cell has its one run: the pattern of the rest
                template = grid.rows[-1]._tr
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


# Text python-docx writes as elements (a break, a tab) rather than as text: such cells go through its own setter.
PLAIN_TEXT_BREAKS = frozenset("\n\r\t\v\f")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _add_row_like(grid, template, texts):
    """A row shaped like `template` (same cells, widths and font size) with these texts: a copy made by lxml, far
    cheaper than building each cell's properties and run through python-docx's objects, row after row."""
    from docx.oxml.ns import qn

    row = copy.deepcopy(template)
    for cell, text in zip(row.iterchildren(qn("w:tc")), texts, strict=True):
        paragraph = cell.find(qn("w:p"))
        run = paragraph.find(qn("w:r"))
        if text:
            node = run.find(qn("w:t"))
            node.text = text
            node.set(XML_SPACE, "preserve")
        else:
            paragraph.remove(run)  # as python-docx writes an empty cell: a paragraph without a run
    template.getparent().append(row)


class _InOrder:
    """A python-docx Document that adds each block at the end in constant time.

    python-docx inserts every paragraph and table before the body's closing section properties, which it finds by
    scanning all the body's children: a report of n blocks took n^2 steps (63 s at 100x the real catalogue). Here
    each block is made in a scratch document (whose body stays empty, so the scan is short) and moved in front of
    the section properties directly. Both documents come from python-docx's one template, so style names resolve
    to the same style ids; the scratch section follows the real last section's page width and margins, so tables
    get the same column widths.
    """

    def __init__(self, document, scratch):
        self._document, self._scratch = document, scratch
        self._end = document.element.body.sectPr
        self._follow_last_section()

    def __getattr__(self, name):
        return getattr(self._document, name)

    def _place(self, block):
        self._end.addprevious(block._element)
        return block

    def _follow_last_section(self):
        last, scratch = self._document.sections[-1], self._scratch.sections[0]
        scratch.orientation = last.orientation
        scratch.page_width, scratch.page_height = last.page_width, last.page_height
        scratch.left_margin, scratch.right_margin = last.left_margin, last.right_margin

    def add_paragraph(self, text="", style=None):
        paragraph = self._scratch.add_paragraph(text)
        if style:
            # By its id, looked up once: python-docx looks a style name up among all styles for every paragraph.
            paragraph._p.style = self._style_id(style)
        return self._place(paragraph)

    def add_heading(self, text="", level=1):
        return self.add_paragraph(text, "Title" if level == 0 else f"Heading {level}")

    @functools.cache  # noqa: B019 (one document per instance, dropped with it)
    def _style_id(self, name):
        return self._document.styles[name].style_id

    def add_page_break(self):
        return self._place(self._scratch.add_page_break())

    def add_table(self, rows, cols):
        return self._place(self._scratch.add_table(rows=rows, cols=cols))

    def add_section(self):
        new = self._document.add_section()  # a few per report: python-docx's own way is fine
        return _FollowedSection(new, self)


class _FollowedSection:
    """A new section whose page settings the scratch document copies as they are set."""

    def __init__(self, section, document):
        object.__setattr__(self, "_section", section)
        object.__setattr__(self, "_in_order", document)

    def __getattr__(self, name):
        return getattr(self._section, name)

    def __setattr__(self, name, value):
        setattr(self._section, name, value)
        self._in_order._follow_last_section()
