"""The Word export adds its blocks at the end in constant time (issue 16); the document must read as before."""

import copy
import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from reports.exports import to_docx

from .test_report_issue_and_exports import media_in_tmp, report  # noqa: F401  (fixtures)
from .test_report_rollup import plan  # noqa: F401  (the hand-made plan fixture)

pytestmark = pytest.mark.django_db


def read(data):
    return Document(io.BytesIO(data))


def test_blocks_come_in_document_order_and_the_section_properties_stay_last(report):  # noqa: F811
    document = read(to_docx(report))

    body = document.element.body
    assert body[-1].tag == qn("w:sectPr")  # Word reads the last section's page from it
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    order = ["Executive summary", "Summary tables", "Initiatives by priority area", "Annex A. Progress by Member State"]
    assert [headings.index(h) for h in order] == sorted(headings.index(h) for h in order)
    lines = [h.split()[0] for h in headings if h.startswith("T-")]
    assert lines == [line["code"] for line in report.snapshot["lines"]]
    assert [s.orientation for s in document.sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
    ]
    assert document.paragraphs[-1].style.name == "Normal"
    assert next(p for p in document.paragraphs if p.style.name == "List Bullet")  # key figures keep their style


def test_table_rows_copied_from_the_first_keep_each_cell_empty_or_multi_line_as_given(report):  # noqa: F811
    report.snapshot = copy.deepcopy(report.snapshot)
    lines = report.snapshot["lines"]
    lines[0]["reported"] = lines[1]["reported"] = lines[2]["reported"] = False
    lines[1]["bodies"] = "TELSOM\nACCP"  # a line break: written by python-docx as a break element
    lines[2]["source_period"] = None
    lines[2]["title"] = "  spaced  "

    document = read(to_docx(report))

    missing = next(t for t in document.tables if t.rows[0].cells[-1].text == "Status carried from")
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in missing.rows[1:]}
    assert rows[lines[1]["code"]][2] == "TELSOM\nACCP"
    assert rows[lines[2]["code"]][1:] == ["  spaced  ", lines[2]["bodies"], "never reported"]
    sizes = {run.font.size for row in missing.rows[1:] for cell in row.cells for run in cell.paragraphs[0].runs}
    assert len(sizes) == 1  # every row in the table's one small size
