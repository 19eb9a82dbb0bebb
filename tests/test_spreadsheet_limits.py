"""Hostile and careless spreadsheets: each is refused with 400 and a message, in the API and the browser, and
nothing is filed. Every file is built here from a real template, then altered the way an attacker would."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.models import User
from reporting import spreadsheets
from reporting.limits import NARRATIVE_MAX_LENGTH, NOTE_MAX_LENGTH
from reporting.models import Update

from .test_api_base import API, PERIOD, api_media_root, fresh_cache, period, telsom_api, token_client
from .test_api_spreadsheet import fill, rows_by_code, template

FIXTURES = (api_media_root, fresh_cache, period, telsom_api)

pytestmark = pytest.mark.django_db

XLSX = spreadsheets.XLSX


def filled(api, **values):
    """TELSOM's template with one line filled in, as bytes: a file the tracker accepts as it is."""
    book = template(api)
    fill(book, "AWPEC-1.1", **values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def updates_part(content):
    """The name of the Updates sheet's XML part (the one holding the "Line code" header)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return next(
            n for n in archive.namelist() if n.startswith("xl/worksheets/sheet") and b"Line code" in archive.read(n)
        )


def rezip(content, replace=None, add=None, compression=zipfile.ZIP_DEFLATED):
    """The same workbook with parts replaced (name -> function of the old bytes) or added (name -> bytes)."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, replace[item.filename](data) if item.filename in replace else data)
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


def in_updates_sheet(content, change):
    return rezip(content, replace={updates_part(content): change})


def with_rows(content, rows):
    """The workbook with raw <row> elements appended to the Updates sheet."""
    return in_updates_sheet(content, lambda data: data.replace(b"</sheetData>", rows + b"</sheetData>"))


def with_doctype(data, doctype, narrative_from=b"Under way.", narrative_to=None):
    """The sheet's XML with a DOCTYPE after its declaration (and the narrative replaced by an entity)."""
    declaration_end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
    data = data[:declaration_end] + doctype + data[declaration_end:]
    return data.replace(narrative_from, narrative_to) if narrative_to else data


def post(api, content, name="telsom.xlsx"):
    file = SimpleUploadedFile(name, content, content_type=XLSX)
    return api.post(f"{API}/updates/spreadsheet/", {"file": file}, format="multipart")


def assert_refused(response, period, *, says):
    assert response.status_code == 400, response.content[:500]
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert says in messages, messages
    assert not Update.objects.filter(period=period).exists()


def test_the_untouched_file_is_accepted(telsom_api, period):
    """The baseline every other test alters: without the alteration, the file is filed."""
    response = post(telsom_api, filled(telsom_api))
    assert response.status_code == 201, response.content


def test_a_file_over_the_upload_limit_is_refused(telsom_api, period):
    noise = os.urandom(spreadsheets.MAX_UPLOAD_BYTES + 1024)  # random bytes do not compress
    content = rezip(filled(telsom_api), add={"xl/media/image1.png": noise}, compression=zipfile.ZIP_STORED)
    assert_refused(post(telsom_api, content), period, says="the limit is 5 MB")


def test_a_part_that_unpacks_beyond_the_limit_is_refused(telsom_api, period):
    """60 MB of one repeated byte in the Updates sheet, inside a file of a few hundred kilobytes."""
    padding = b"<!--" + b"a" * (60 * 1024 * 1024) + b"-->"
    content = in_updates_sheet(filled(telsom_api), lambda data: data.replace(b"<sheetData>", padding + b"<sheetData>"))
    assert len(content) < spreadsheets.MAX_UPLOAD_BYTES
    assert_refused(post(telsom_api, content), period, says="unpacks to 60 MB; the limit is 50 MB")


def test_a_part_compressed_like_a_zip_bomb_is_refused(telsom_api, period):
    padding = b"<!--" + b"a" * (3 * 1024 * 1024) + b"-->"  # within 50 MB, but compressed a thousand times
    content = in_updates_sheet(filled(telsom_api), lambda data: data.replace(b"<sheetData>", padding + b"<sheetData>"))
    assert_refused(post(telsom_api, content), period, says="a spreadsheet never is more than 100 times")


def test_a_cell_one_character_over_the_narrative_limit_is_refused_by_row_and_column(telsom_api, period):
    content = filled(telsom_api, narrative="x" * (NARRATIVE_MAX_LENGTH + 1))
    response = post(telsom_api, content)
    assert_refused(response, period, says="At most 10,000 characters; this has 10,001.")
    row = rows_by_code(load_workbook(io.BytesIO(content)))["AWPEC-1.1"]["Narrative"].row
    assert {"row": row, "column": "Narrative"} in [
        {"row": e["row"], "column": e["column"]} for e in response.json()["errors"]
    ]


def test_a_narrative_exactly_at_the_limit_is_filed_whole(telsom_api, period):
    response = post(telsom_api, filled(telsom_api, narrative="x" * NARRATIVE_MAX_LENGTH))
    assert response.status_code == 201, response.content[:300]
    assert len(Update.objects.get(period=period).narrative) == NARRATIVE_MAX_LENGTH


def test_next_steps_over_their_limit_are_refused(telsom_api, period):
    book = template(telsom_api)
    fill(book, "AWPEC-1.1")
    rows_by_code(book)["AWPEC-1.1"]["Next steps"].value = "n" * (NOTE_MAX_LENGTH + 1)
    buffer = io.BytesIO()
    book.save(buffer)
    response = post(telsom_api, buffer.getvalue())
    assert_refused(response, period, says="At most 5,000 characters; this has 5,001.")
    assert response.json()["errors"][0]["column"] == "Next steps"


def rows_xml(first, count, column="Z"):
    return b"".join(
        f'<row r="{n}"><c r="{column}{n}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        for n in range(first, first + count)
    )


def test_a_hundred_thousand_rows_are_refused(telsom_api, period):
    content = in_updates_sheet(
        filled(telsom_api), lambda data: data.replace(b"</sheetData>", rows_xml(100, 100_000) + b"</sheetData>")
    )
    assert_refused(post(telsom_api, content), period, says="more than 2,000 rows")


def test_one_cell_a_million_rows_down_is_refused(telsom_api, period):
    """A declared row number, not a real row, is enough to make a lazy reader yield a million empty rows."""
    content = in_updates_sheet(
        filled(telsom_api), lambda data: data.replace(b"</sheetData>", rows_xml(1_000_000, 1) + b"</sheetData>")
    )
    assert_refused(post(telsom_api, content), period, says="more than 2,000 rows")


def test_a_value_beyond_the_column_limit_is_refused(telsom_api, period):
    book = template(telsom_api)
    fill(book, "AWPEC-1.1")
    book[spreadsheets.SHEET].cell(row=2, column=spreadsheets.MAX_COLUMNS + 10, value="stray")
    buffer = io.BytesIO()
    book.save(buffer)
    assert_refused(post(telsom_api, buffer.getvalue()), period, says="more than 50 columns")


def test_too_many_sheets_are_refused(telsom_api, period):
    book = template(telsom_api)
    fill(book, "AWPEC-1.1")
    for n in range(spreadsheets.MAX_SHEETS):
        book.create_sheet(f"Extra {n}")
    buffer = io.BytesIO()
    book.save(buffer)
    assert_refused(post(telsom_api, buffer.getvalue()), period, says="the limit is 10")


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_a_truncated_file_is_refused(telsom_api, period, keep):
    content = filled(telsom_api)
    assert_refused(post(telsom_api, content[: int(len(content) * keep)]), period, says="damaged or truncated")


def test_a_zip_without_the_workbook_parts_is_refused(telsom_api, period):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert_refused(post(telsom_api, out.getvalue()), period, says="not an .xlsx spreadsheet made from the template")


def test_broken_xml_is_refused_in_the_api(telsom_api, period):
    content = in_updates_sheet(filled(telsom_api), lambda data: data.replace(b"</sheetData>", b"<row><c></sheetData>"))
    assert_refused(post(telsom_api, content), period, says="is not well-formed XML")


def test_broken_xml_is_refused_in_the_browser(client, telsom_api, period):
    content = in_updates_sheet(filled(telsom_api), lambda data: data.replace(b"</sheetData>", b"<row><c></sheetData>"))
    client.force_login(User.objects.get(username="telsom"))
    response = client.post(
        "/reporting/spreadsheet/",
        {"period": PERIOD, "body": "TELSOM", "submit": "on", "file": SimpleUploadedFile("t.xlsx", content, XLSX)},
    )
    assert response.status_code == 400
    assert b"Nothing was filed." in response.content
    assert b"is not well-formed XML" in response.content
    assert not Update.objects.filter(period=period).exists()


BILLION_LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode() for n in range(1, 10)
    )
    + b"]>"
)


@pytest.mark.parametrize(
    ("doctype", "entity"),
    [
        (BILLION_LAUGHS, b"&lol9;"),
        (b'<!DOCTYPE worksheet [<!ENTITY note "Written by an entity">]>', b"&note;"),
        (b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', b"&xxe;"),
    ],
    ids=["billion-laughs", "internal-entity", "external-entity"],
)
def test_entities_are_refused(telsom_api, period, doctype, entity):
    content = in_updates_sheet(filled(telsom_api), lambda data: with_doctype(data, doctype, narrative_to=entity))
    assert_refused(post(telsom_api, content), period, says="declares a DTD or entities")


def test_an_entity_in_the_shared_strings_is_refused(telsom_api, period):
    """Excel keeps text in xl/sharedStrings.xml: a DTD there is refused as well."""
    shared = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e "x">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>&e;</t></si></sst>"
    )
    content = rezip(filled(telsom_api), add={"xl/sharedStrings.xml": shared})
    assert_refused(post(telsom_api, content), period, says="declares a DTD or entities")


def test_a_cell_the_parser_cannot_read_is_a_400(telsom_api, period):
    """Well-formed XML that breaks the parser (a number cell holding text): its error is a message, not a 500."""
    bad_cell = b'<row r="500"><c r="A500" t="n"><v>not a number</v></c></row>'
    content = in_updates_sheet(
        filled(telsom_api), lambda data: data.replace(b"</sheetData>", bad_cell + b"</sheetData>")
    )
    assert_refused(post(telsom_api, content), period, says="Its sheets could not be read")


def test_a_workbook_without_its_sheets_is_a_400(telsom_api, period):
    content = rezip(filled(telsom_api), replace={"xl/workbook.xml": lambda data: b"<nothing/>"})
    assert_refused(post(telsom_api, content), period, says="The About and Updates sheets of the template are missing")


def test_limits_hold_for_the_secretariat_too(period):
    """The limits are in the spreadsheet reader, shared by every caller: no role bypasses them."""
    api = token_client("secretariat")
    book = template(api, f"period={PERIOD}&body=TELSOM")
    fill(book, "AWPEC-1.1", narrative="x" * (NARRATIVE_MAX_LENGTH + 1))
    buffer = io.BytesIO()
    book.save(buffer)
    assert_refused(post(api, buffer.getvalue()), period, says="At most 10,000 characters")


def test_the_spreadsheet_page_states_the_limits(client, period):
    client.force_login(User.objects.get(username="telsom"))
    page = client.get(f"/reporting/spreadsheet/?period={PERIOD}&body=TELSOM").content.decode()
    assert "at most 5 MB and 2,000 rows" in page
    assert "a narrative at most 10,000 characters" in page
