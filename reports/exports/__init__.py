"""The four exports of a progress report, all written from its frozen snapshot and nothing else.

One module per format (csv, xlsx, docx, pdf) and the wording they share; `exports.to_pdf(report)` and the shared
names (`exports.summary_row`, `exports.GROUPS`, ...) are used from here.
"""

from .csv import to_csv
from .docx import to_docx
from .pdf import markup, to_pdf
from .wording import (
    CHANGE_KINDS,
    GROUP_NOTES,
    GROUPS,
    LINE_COLUMNS,
    MATRIX_NOTE,
    MISSING_NOTE,
    MS_SHORT,
    NO_CALL,
    areas_in_order,
    average_label,
    changes_heading,
    changes_paragraphs,
    computed_on,
    evidence_text,
    issued_on,
    issuer,
    key_figures,
    legible,
    line_values,
    lines_in,
    matrix_rows,
    missing_expected_label,
    percent,
    period_span,
    progress_label,
    reported_label,
    status_keys,
    summary_header,
    summary_row,
)
from .xlsx import to_xlsx

__all__ = [
    "CHANGE_KINDS",
    "GROUP_NOTES",
    "GROUPS",
    "LINE_COLUMNS",
    "MATRIX_NOTE",
    "MISSING_NOTE",
    "MS_SHORT",
    "NO_CALL",
    "areas_in_order",
    "average_label",
    "changes_heading",
    "changes_paragraphs",
    "computed_on",
    "evidence_text",
    "issued_on",
    "issuer",
    "key_figures",
    "legible",
    "line_values",
    "lines_in",
    "markup",
    "matrix_rows",
    "missing_expected_label",
    "percent",
    "period_span",
    "progress_label",
    "reported_label",
    "status_keys",
    "summary_header",
    "summary_row",
    "to_csv",
    "to_docx",
    "to_pdf",
    "to_xlsx",
]
