"""The spreadsheet round trip, for bodies that work in Excel: a template of what the body owes, filled offline,
uploaded through the same bulk filing as the API (every row filed, or none), with row and column messages."""

import io
import logging
import zipfile
import zlib
from datetime import date, datetime
from xml.parsers import expat

from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from workprogramme.models import Body, Initiative, MemberState, Status

from . import services
from .limits import length_error
from .models import ExpectedReport, MemberStateProgress, Period, Reason, Update

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Upload limits, checked before the workbook is parsed (size, parts, uncompressed size, compression) and while its
# rows are read (rows, columns, cell lengths), so that no file can take a worker's memory or time.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # 2,000 rows of long narratives compress to well under this
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # what the parser may read, whatever the file claims: bounds memory
MAX_COMPRESSION_RATIO = 100  # real sheets compress 5 to 20 times; a zip bomb compresses thousands of times
RATIO_CHECKED_ABOVE = 1024 * 1024  # a small part (a narrative of one repeated letter) may compress well harmlessly
MAX_PARTS = 200  # the template has about a dozen parts; Excel adds a few more
MAX_SHEETS = 10  # the template has three (About, Updates, Lists); room for a few of the user's own
MAX_ROWS = 2_000  # rows of the Updates sheet after the headers; the body owing the most owes far fewer lines
MAX_COLUMNS = 50  # the template has 12 columns and one per Member State
OTHER_CELL_MAX_LENGTH = 1_000  # codes, list labels and the line's title; text columns have their field's maximum
MAX_LISTED_PROBLEMS = 100  # beyond this, the list stops: correcting these first is what helps
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
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


def _refuse(message, column=None):
    raise SpreadsheetRejected([{"row": None, "column": column, "message": message}])


NOT_A_TEMPLATE = "This is not an .xlsx spreadsheet made from the template."
TEXT_FIELDS = ("narrative", "next_steps", "blockers", "reason_explanation")


def _inert(sheet):
    """Every text cell as a string, never a formula: a narrative starting with = + - @ reads back as written.

    The quote prefix keeps it text when someone edits the cell in Excel; it is a style, not part of the value.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.quotePrefix = True


LIMITED_COLUMNS = {"narrative": "narrative", "note": "next_steps", "explanation": "reason_explanation"}


def upload_limits():
    """The limits people meet, for the spreadsheet page."""
    return {
        "megabytes": MAX_UPLOAD_BYTES // 1048576,
        "rows": MAX_ROWS,
        **{name: Update._meta.get_field(field).max_length for name, field in LIMITED_COLUMNS.items()},
    }


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
        current = target.get_status_display() or "Not reported"  # an output nobody has reported on yet
        if update and not update.is_editable:
            # Already filed: shown, but left out of the fields, so that an upload does not try to file it again.
            current = f"{current} ({update.get_state_display().lower()} update for {period.code})"
            update = None
        elif update and any(ILLEGAL_CHARACTERS_RE.search(getattr(update, f)) for f in TEXT_FIELDS):
            # Control characters cannot be stored in a spreadsheet: the draft is left out rather than altered.
            current = f"{current} (draft holds characters a spreadsheet cannot: edit it on its page)"
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
    limits = upload_limits()
    about.append(
        [
            f"Limits: a narrative at most {limits['narrative']:,} characters, next steps and blockers "
            f"{limits['note']:,}, the explanation of a reason {limits['explanation']:,}; the file at most "
            f"{limits['megabytes']} MB and {limits['rows']:,} rows. Rows you leave unchanged file nothing."
        ]
    )
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 20
    for each in (sheet, lists, about):
        _inert(each)
    book.active = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value):
    return "" if value is None else str(value).strip()


def _check_archive(upload):
    """Refuse, before any parsing, a file too big, not a ZIP, compressed like a bomb, damaged, or with a DTD."""
    size = getattr(upload, "size", None)
    if size is None:
        size = upload.seek(0, io.SEEK_END)
    if size > MAX_UPLOAD_BYTES:
        _refuse(f"The file is {size / 1048576:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1048576} MB.")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                _refuse(f"The file has {len(members)} parts; a spreadsheet from the template has a few dozen at most.")
            names = {m.filename for m in members}
            if not all(part in names for part in REQUIRED_PARTS):
                _refuse(NOT_A_TEMPLATE)
            sheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            if len(sheets) > MAX_SHEETS:
                _refuse(f"The workbook has {len(sheets)} sheets; the limit is {MAX_SHEETS}.")
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNCOMPRESSED_BYTES:
                _refuse(
                    f"The workbook unpacks to {unpacked / 1048576:.0f} MB; the limit is "
                    f"{MAX_UNCOMPRESSED_BYTES // 1048576} MB."
                )
            for member in members:
                if member.file_size > RATIO_CHECKED_ABOVE and (
                    member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
                ):
                    _refuse(
                        f"{member.filename} is compressed {member.file_size // max(member.compress_size, 1):,} times; "
                        f"a spreadsheet never is more than {MAX_COMPRESSION_RATIO} times."
                    )
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    _check_xml(archive, member)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as error:
        # Not a ZIP, truncated, a wrong checksum, an unknown compression or a password: nothing readable.
        logger.info("Spreadsheet refused: %s", error)
        _refuse(f"{NOT_A_TEMPLATE} The file is damaged or truncated, or is not a workbook.")
    finally:
        upload.seek(0)


def _check_xml(archive, member):
    """Stream one part through expat: it must be well-formed and declare no DTD (so no entities, no bombs)."""
    parser = expat.ParserCreate()

    def doctype(*args):
        _refuse(f"{member.filename} declares a DTD or entities, which a spreadsheet never has: the file is refused.")

    parser.StartDoctypeDeclHandler = doctype
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        _refuse(f"{member.filename} is not well-formed XML ({expat.errors.messages[error.code]}, line {error.lineno}).")


def _cell_limit(header):
    field = next((f for title, f, _, _ in COLUMNS if title == header), None)
    return field if field in TEXT_FIELDS else None


def _rows(sheet, errors):
    """The Updates sheet's rows, read lazily, refusing too many rows or columns and any cell over its limit."""
    sheet.reset_dimensions()  # a declared size is not trusted: rows are as long as their last cell
    headers = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS + 1:
            _refuse(f"The Updates sheet has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}.")
        if len(cells) > MAX_COLUMNS and any(v not in (None, "") for v in cells[MAX_COLUMNS:]):
            _refuse(f"Row {number} has more than {MAX_COLUMNS} columns; the limit is {MAX_COLUMNS}.")
        if number == 1:
            headers = [_text(c)[:OTHER_CELL_MAX_LENGTH] for c in cells]
            continue
        for header, value in zip(headers, cells, strict=False):
            if not isinstance(value, str):
                continue
            field = _cell_limit(header)
            message = (
                length_error(Update, field, value.strip())
                if field
                else (
                    f"At most {OTHER_CELL_MAX_LENGTH:,} characters; this has {len(value):,}."
                    if len(value) > OTHER_CELL_MAX_LENGTH
                    else None
                )
            )
            if message:
                errors.append({"row": number, "column": header or None, "message": message})
                if len(errors) >= MAX_LISTED_PROBLEMS:
                    raise SpreadsheetRejected(errors)
        values = dict(zip(headers, cells, strict=False))
        if any(_text(v) for v in values.values()):
            yield number, values


def read_upload(upload):
    """(period, body, rows) from an uploaded template; rows are (row number, {header: value}).

    Refuses, with messages, anything over the upload limits, damaged, or not made from the template.
    """
    _check_archive(upload)
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except SpreadsheetRejected:
        raise
    except Exception as error:  # a hostile file can break the parser in many ways, each a 400
        logger.info("Spreadsheet refused by the parser: %r", error)
        _refuse(f"{NOT_A_TEMPLATE} It could not be read: {type(error).__name__}.")
    try:
        if len(book.sheetnames) > MAX_SHEETS:
            _refuse(f"The workbook has {len(book.sheetnames)} sheets; the limit is {MAX_SHEETS}.")
        if "About" not in book.sheetnames or SHEET not in book.sheetnames:
            _refuse("The About and Updates sheets of the template are missing.")
        errors = []
        try:
            about = list(book["About"].iter_rows(min_row=1, max_row=2, min_col=1, max_col=2, values_only=True))
            rows = list(_rows(book[SHEET], errors))
        except SpreadsheetRejected:
            raise
        except Exception as error:  # as above: a sheet that cannot be read is the file's fault
            logger.info("Spreadsheet refused while reading rows: %r", error)
            _refuse(f"{NOT_A_TEMPLATE} Its sheets could not be read: {type(error).__name__}.")
    finally:
        book.close()
    if errors:
        raise SpreadsheetRejected(errors)
    about = [list(r) + [None, None] for r in about] + [[None, None]] * 2
    period = Period.objects.filter(code=_text(about[0][1])).first()
    body = Body.objects.filter(acronym=_text(about[1][1])).first()
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
    return period, body, rows


def _unchanged(update, item):
    """The row says what the body's editable update already says: filing it again would change nothing."""
    if update is None or not update.is_editable:
        return False
    values = item["values"]
    if any(getattr(update, field).strip() != values[field] for field in TEXT_FIELDS):
        return False
    if (update.status, update.progress, update.as_of, update.reason) != (
        values["status"],
        values["progress"],
        values["as_of"],
        values["reason"],
    ):
        return False
    current = {p.member_state.code: p.status for p in update.member_state_progress.all()}
    return "member_states" not in item or current == item["member_states"]


def file_upload(*, user, upload, submit=True):
    """File every row of an uploaded template through services.bulk_file; raises SpreadsheetRejected.

    Rows that say exactly what the body's update already says are left alone: a template downloaded and uploaded
    unchanged files nothing (and returns no update).
    """
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
    filed = {
        (u.initiative_id, u.output_id): u
        for u in Update.objects.filter(period=period, body=body).prefetch_related("member_state_progress__member_state")
    }
    changed = [
        (item, number)
        for item, number in zip(items, item_rows, strict=True)
        if not _unchanged(filed.get((item["initiative"].pk, item["output"].pk if item["output"] else None)), item)
    ]
    if not changed:
        return []
    items, item_rows = [item for item, _ in changed], [number for _, number in changed]
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
