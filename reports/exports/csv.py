"""The CSV export: one row per initiative."""

import csv
import io

from ..cells import csv_cell
from .wording import LINE_COLUMNS, line_values


def to_csv(report):
    snapshot = report.snapshot
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(label) for _, label in LINE_COLUMNS])
    for line in snapshot["lines"]:
        writer.writerow([csv_cell(value) for value in line_values(line, snapshot["period"]["code"])])
    # UTF-8 with a byte-order mark: Excel then opens accented names correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
