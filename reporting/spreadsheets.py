"""The spreadsheet round trip, for bodies that work in Excel: a template of what the body owes, filled offline,
uploaded through the same bulk filing as the API (every row filed, or none), with row and column messages."""

import io
import zipfile
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from workprogramme.models import Body, Initiative, MemberState, Status

from . import services
from .models import ExpectedReport, MemberStateProgress, Period, Reason, Update

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Updates"
FIRST_ROW = 2
COLUMNS = [
    # (header, field, width, the body fills it in)
    ("Line code", "initiative", 13, False),
    ("Output", "output", 8, False),
    ("Line", "title", 50, False),
    ("Current status", "current", 14, False),
    ("Status", "status", 14, True),
    ("Progress (%)", "progress", 12, True),
    ("Facts as of", "as_of", 12, True),
    ("Narrative", "narrative", 50, True),
    ("Next steps", "next_steps", 30, True),
    ("Blockers and risks", "blockers", 30, True),
    ("Reason (if delayed or discontinued)", "reason", 26, True),
    ("Reason explanation", "reason_explanation", 30, True),
]
STATUS_BY_LABEL = {label: value for value, label in Status.choices}
REASON_BY_LABEL = {label: value for value, label in Reason.choices}
MS_STATUS_BY_LABEL = {label: value for value, label in MemberStateProgress.Status.choices}


class SpreadsheetRejected(Exception):
    """The upload was refused; nothing was filed. `errors` are {row, column, message}."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s) in the spreadsheet; nothing was filed.")
        self.errors = errors


def _member_state_codes():
    return list(MemberState.objects.values_list("code", flat=True))


def build_template(*, period, body):
    """An .xlsx of the reports `body` owes in `period`, one row per line, with drop-down lists."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    codes = _member_state_codes()
    headers = [c[0] for c in COLUMNS] + codes
    sheet.append(headers)
    for index in range(1, len(headers) + 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = COLUMNS[index - 1][2] if index <= len(COLUMNS) else 7
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "E2"

    updates = {
        (u.initiative_id, u.output_id): u
        for u in Update.objects.filter(period=period, body=body).prefetch_related("member_state_progress__member_state")
    }
    entries = (
        ExpectedReport.objects.filter(period=period, body=body)
        .select_related("initiative", "output")
        .order_by("initiative__position", "output__position")
    )
    info = PatternFill("solid", fgColor="EEEEEE")
    for entry in entries:
        update = updates.get((entry.initiative_id, entry.output_id))
        target = entry.output or entry.initiative
        current = target.get_status_display()
        if update and not update.is_editable:
            # Already filed: shown, but left out of the fields, so that an upload does not try to file it again.
            current = f"{current} ({update.get_state_display().lower()} update for {period.code})"
            update = None
        row = [
            entry.initiative.code,
            entry.output.position if entry.output else None,
            entry.initiative.short_title
            + (f" (output {entry.output.position}: {entry.output.title})" if entry.output else ""),
            current,
            update.get_status_display() if update else None,
            update.progress if update else None,
            update.as_of if update else None,
            update.narrative if update else None,
            update.next_steps if update else None,
            update.blockers if update else None,
            update.get_reason_display() if update and update.reason else None,
            update.reason_explanation if update else None,
        ]
        per_state = (
            {p.member_state.code: p.get_status_display() for p in update.member_state_progress.all()} if update else {}
        )
        row += [per_state.get(code) if entry.initiative.per_member_state else "n/a" for code in codes]
        sheet.append(row)
        for index in range(1, 5):
            sheet.cell(row=sheet.max_row, column=index).fill = info
    last = max(sheet.max_row, FIRST_ROW)

    lists = book.create_sheet("Lists")
    for column, values in enumerate([list(STATUS_BY_LABEL), list(REASON_BY_LABEL), list(MS_STATUS_BY_LABEL)], start=1):
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=column, value=value)
    lists.sheet_state = "hidden"

    def drop_down(source, column_letters):
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        validation.error = "Choose a value from the list."
        sheet.add_data_validation(validation)
        for letter in column_letters:
            validation.add(f"{letter}{FIRST_ROW}:{letter}{last}")

    drop_down(f"Lists!$A$1:$A${len(STATUS_BY_LABEL)}", ["E"])
    drop_down(f"Lists!$B$1:$B${len(REASON_BY_LABEL)}", ["K"])
    drop_down(
        f"Lists!$C$1:$C${len(MS_STATUS_BY_LABEL)}",
        [get_column_letter(len(COLUMNS) + i) for i in range(1, len(codes) + 1)],
    )
    progress = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True)
    progress.error = "A whole number from 0 to 100."
    sheet.add_data_validation(progress)
    progress.add(f"F{FIRST_ROW}:F{last}")

    about = book.create_sheet("About", 0)
    about.append(["Period", period.code])
    about.append(["Body", body.acronym])
    about.append(["Deadline", period.deadline])
    about.append([])
    about.append(
        [
            "Fill in the grey-free columns of the Updates sheet, one row per line; leave Status empty to skip a "
            "line. Upload the file on the Reporting page or to POST /api/v1/updates/spreadsheet/. Every row is "
            "filed, or none: problems are reported by row and column."
        ]
    )
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 20
    book.active = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value):
    return "" if value is None else str(value).strip()


def read_upload(upload):
    """(period, body, rows) from an uploaded template; rows are (row number, {header: value})."""
    try:
        book = load_workbook(upload, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SpreadsheetRejected(
            [{"row": None, "column": None, "message": "This is not an .xlsx spreadsheet made from the template."}]
        ) from error
    if "About" not in book.sheetnames or SHEET not in book.sheetnames:
        raise SpreadsheetRejected(
            [{"row": None, "column": None, "message": "The About and Updates sheets of the template are missing."}]
        )
    about = book["About"]
    period = Period.objects.filter(code=_text(about["B1"].value)).first()
    body = Body.objects.filter(acronym=_text(about["B2"].value)).first()
    if period is None or body is None:
        raise SpreadsheetRejected(
            [
                {
                    "row": None,
                    "column": "About",
                    "message": "The About sheet must name the period (B1) and the body (B2).",
                }
            ]
        )
    sheet = book[SHEET]
    headers = [_text(c.value) for c in sheet[1]]
    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=FIRST_ROW, values_only=True), start=FIRST_ROW):
        values = dict(zip(headers, cells, strict=False))
        if any(_text(v) for v in values.values()):
            rows.append((number, values))
    return period, body, rows


def file_upload(*, user, upload, submit=True):
    """File every row of an uploaded template through services.bulk_file; raises SpreadsheetRejected."""
    period, body, rows = read_upload(upload)
    header = {field: title for title, field, _, _ in COLUMNS}
    codes = _member_state_codes()
    errors, items, item_rows = [], [], []
    initiatives = {i.code: i for i in Initiative.objects.prefetch_related("outputs")}

    def problem(row, field, message):
        errors.append({"row": row, "column": header.get(field, field), "message": message})

    for number, values in rows:
        status_label = _text(values.get(header["status"]))
        if not status_label:
            continue  # a line the body does not report on in this upload
        initiative = initiatives.get(_text(values.get(header["initiative"])))
        if initiative is None:
            problem(number, "initiative", f"Unknown line code {_text(values.get(header['initiative']))!r}.")
            continue
        output = None
        if _text(values.get(header["output"])):
            position = _text(values.get(header["output"]))
            output = next((o for o in initiative.outputs.all() if str(o.position) == position.split(".")[0]), None)
            if output is None:
                problem(number, "output", f"{initiative.code} has no output {position}.")
        item = {"initiative": initiative, "output": output, "values": {}}
        if status_label not in STATUS_BY_LABEL:
            problem(number, "status", f"Unknown status {status_label!r}: choose from the list.")
        item["values"]["status"] = STATUS_BY_LABEL.get(status_label)
        progress = values.get(header["progress"])
        if isinstance(progress, (int, float)) and float(progress).is_integer():
            item["values"]["progress"] = int(progress)
        else:
            item["values"]["progress"] = None
            problem(number, "progress", "Give progress as a whole number from 0 to 100.")
        as_of = values.get(header["as_of"])
        if isinstance(as_of, datetime):
            as_of = as_of.date()
        if as_of not in (None, "") and not isinstance(as_of, date):
            problem(number, "as_of", f"{as_of!r} is not a date.")
            as_of = None
        item["values"]["as_of"] = as_of or None
        for field in ("narrative", "next_steps", "blockers", "reason_explanation"):
            item["values"][field] = _text(values.get(header[field]))
        reason_label = _text(values.get(header["reason"]))
        if reason_label and reason_label not in REASON_BY_LABEL:
            problem(number, "reason", f"Unknown reason {reason_label!r}: choose from the list.")
        item["values"]["reason"] = REASON_BY_LABEL.get(reason_label, "")
        if initiative.per_member_state:
            per_state = {}
            for code in codes:
                label = _text(values.get(code))
                if label and label not in MS_STATUS_BY_LABEL:
                    problem(number, code, f"Unknown status {label!r} for {code}: choose from the list.")
                elif label:
                    per_state[code] = MS_STATUS_BY_LABEL[label]
            item["member_states"] = per_state
        items.append(item)
        item_rows.append(number)
    if errors:
        raise SpreadsheetRejected(errors)
    if not items:
        raise SpreadsheetRejected(
            [{"row": None, "column": header["status"], "message": "No row has a Status: fill in at least one line."}]
        )
    try:
        return services.bulk_file(user=user, period=period, body=body, items=items, submit=submit)
    except services.BulkRejected as rejected:
        raise SpreadsheetRejected(
            [
                {
                    "row": item_rows[item["index"]],
                    "column": header.get(field, "Member States" if field == "member_states" else None),
                    "message": message,
                }
                for item in rejected.errors
                for field, messages in item["errors"].items()
                for message in messages
            ]
        ) from rejected
    except (ValidationError, PermissionDenied) as error:
        raise SpreadsheetRejected(
            [{"row": None, "column": None, "message": m} for m in getattr(error, "messages", [str(error)])]
        ) from error
