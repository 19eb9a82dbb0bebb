"""Hostile texts in every field that reaches a progress report: every build finishes and every export is inert.

The texts are filed the way a careless or hostile body would file them (through the services, accepted by ACCEC),
then the report is built and each of its four files is opened with the library a reader would use.
"""

import contextlib
import shutil
import subprocess

import pytest

from accounts.models import User
from reporting import services as reporting
from reporting.models import Evidence
from reports import services
from reports.models import ProgressReport
from workprogramme.models import Body

from .test_report_rollup import plan  # noqa: F401  (the hand-made plan fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def file_accepted(*, period, line, values, evidence=(), comments=()):
    """ACCP files an update on `line` with `values` and `evidence` links; ACCEC comments and accepts it."""
    accp, accec = User.objects.get(username="accp"), User.objects.get(username="accec")
    update = reporting.update_create(
        user=accp, period=period, initiative=line, body=Body.objects.get(acronym="ACCP"), values=values
    )
    for title, url in evidence:
        # Stored as links filed before the API refused unencoded quotes and brackets in addresses were: such rows
        # exist, and the exports must still write them safely.
        Evidence.objects.create(update=update, kind=Evidence.Kind.LINK, title=title, url=url, added_by=accp)
    for text in comments:
        reporting.comment_add(user=accec, update=update, text=text)
    update = reporting.update_submit(user=accp, update=update)
    update = reporting.update_accept(user=accec, update=update)
    # A report names only evidence disclosed as public and confirmed by the reviewer (it may be published).
    update.evidence.update(disclosure_confirmed=True)
    return update


def issue(period, programme, django_capture_on_commit_callbacks, **texts):
    """Issue a report as ACCEC and run its build; a failed build is returned, not raised, so tests can look at it."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_issue(
            user=User.objects.get(username="accec"), period=period, programme=programme, **texts
        )
    for callback in callbacks:
        # A failed build records its failure on the report, which is what the tests read.
        with contextlib.suppress(Exception):
            callback()
    report.refresh_from_db()
    return report


def test_an_evidence_link_with_a_quote_does_not_break_the_report_build(
    plan,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    programme, period = plan
    from workprogramme.models import Initiative

    file_accepted(
        period=period,
        line=Initiative.objects.get(code="T-3"),
        values={"status": "in_progress", "progress": 30, "narrative": "Study under way."},
        evidence=[('The "roaming" study', 'https://example.org/study?q="roaming"&lang=en')],
    )
    report = issue(period, programme, django_capture_on_commit_callbacks, title="TEST report")
    assert report.error == "" and report.state == ProgressReport.State.READY


def test_a_narrative_beginning_with_a_formula_is_text_in_the_xlsx_and_csv(
    plan,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    import csv
    import io

    from openpyxl import load_workbook

    from workprogramme.models import Initiative

    programme, period = plan
    file_accepted(
        period=period,
        line=Initiative.objects.get(code="T-3"),
        values={"status": "in_progress", "progress": 30, "narrative": "=1+2", "next_steps": "-2+3", "blockers": "@A1"},
    )
    report = issue(period, programme, django_capture_on_commit_callbacks, title="TEST report")
    sheet = load_workbook(io.BytesIO(report.xlsx.read()))["Initiatives"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "T-3")
    assert [(c.value, c.data_type) for c in row[16:19]] == [("'=1+2", "s"), ("'-2+3", "s"), ("'@A1", "s")]
    row = next(r for r in csv.reader(io.StringIO(report.csv.read().decode("utf-8-sig"))) if r[0] == "T-3")
    assert row[16:19] == ["'=1+2", "'-2+3", "'@A1"]
    assert row[11] == "30"  # numbers are left alone


# The corpus -----------------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
MARKUP = ["quotes \"double\" and 'single'", "<b>bold?</b>", "</para>", "<font color=red>red?</font>", "&amp;", "]]>"]
LONG_WORD = "Supercalifragilistic" * 15  # 300 characters and no space to break at
LANGUAGES = ["Tiếng Việt: Kế hoạch số hóa", "ภาษาไทย แผนดิจิทัล"]
CONTROL = "Line one\x0bline two\x01end"  # Word's manual line break, and a character XML cannot hold at all
EVIDENCE_URL = 'https://example.org/report?q="roaming"&lang=en&x=<b>'


def hostile(lead):
    """A text that begins with `lead` (a formula, for the spreadsheets) and carries the whole corpus after it."""
    return "\n".join([lead, *MARKUP, LONG_WORD, *LANGUAGES, CONTROL])


@pytest.fixture
def hostile_report(plan, django_capture_on_commit_callbacks):  # noqa: F811
    """A report whose every text field was filed hostile: two accepted updates, evidence, comments, titles, names."""
    from workprogramme.models import Initiative, InitiativeListing

    programme, period = plan
    t3, t5 = Initiative.objects.get(code="T-3"), Initiative.objects.get(code="T-5")
    # The catalogue is edited in the admin: a line's title and a body's name can be hostile too.
    Initiative.objects.filter(pk=t5.pk).update(title='=cmd|" /C calc"!A0 <b>line</b> & co')
    InitiativeListing.objects.filter(initiative=t5).update(title='=cmd|" /C calc"!A0 <b>line</b> & co')
    Body.objects.filter(acronym="ACCP").update(name='@ACCP <font color=red>"Consumer"</font> & Protection')
    for line, (narrative, next_steps, blockers) in [(t3, FORMULAS[:3]), (t5, FORMULAS[3:])]:
        file_accepted(
            period=period,
            line=line,
            values={
                "status": "in_progress",
                "progress": 40,
                "narrative": hostile(narrative),
                "next_steps": hostile(next_steps),
                "blockers": hostile(blockers),
            },
            evidence=[(FORMULAS[0], EVIDENCE_URL), ("-1 <i>study</i> & annex", "https://example.org/a'b")],
            comments=[hostile(FORMULAS[1]), "</para><para>"],
        )
    return issue(
        period,
        programme,
        django_capture_on_commit_callbacks,
        title='=1+1 <b>"Report"</b> & </para>',
        executive_summary=hostile("@SUM(A1)"),
    )


def shown(text):
    """What a reader sees of a text: characters XML cannot hold replaced, whitespace as single spaces."""
    from reports.cells import xml_legible

    return " ".join(xml_legible(text).split())


def visible_texts(languages=LANGUAGES):
    """Every hostile text a reader must see verbatim in the PDF and the DOCX."""
    return [
        *(shown(text) for text in [*FORMULAS, *MARKUP, *languages]),
        shown(EVIDENCE_URL),
        '=cmd|" /C calc"!A0 <b>line</b> & co',
        '=1+1 <b>"Report"</b> & </para>',
        "-1 <i>study</i> & annex",
    ]


def assert_inert(rows):
    """No cell of `rows` begins with a formula trigger: the hostile ones were prefixed with a quote."""
    from reports.cells import FORMULA_TRIGGERS

    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    prefixed = {cell.split("\n")[0] for cell in cells if cell.startswith("'")}
    return prefixed


def test_the_hostile_report_builds_all_four_files(hostile_report):
    assert hostile_report.error == "" and hostile_report.state == ProgressReport.State.READY
    assert hostile_report.progress == 100
    for format in ("pdf", "docx", "xlsx", "csv"):
        assert hostile_report.file_for(format).size > 0


def test_the_xlsx_holds_no_formula_and_every_dangerous_text_is_quoted(hostile_report):
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(hostile_report.xlsx.read()))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    prefixed = assert_inert([[cell.value for cell in cells]])
    # Each formula led a narrative, next steps or blockers; the evidence title, the line title, the body's name
    # and the report's title and summary led with one too.
    assert {"'" + formula for formula in FORMULAS} <= prefixed
    assert {'\'=cmd|" /C calc"!A0 <b>line</b> & co', '\'=1+1 <b>"Report"</b> & </para>'} <= prefixed
    assert '\'@ACCP <font color=red>"Consumer"</font> & Protection' in prefixed
    narrative = next(row for row in book["Initiatives"].iter_rows(values_only=True) if row[0] == "T-3")[16]
    assert narrative == "'" + hostile(FORMULAS[0]).replace("\x0b", "\n").replace("\x01", "\ufffd")
    assert book["Initiatives"].cell(row=1, column=12).value == "Progress (%)"
    assert all(isinstance(row[11], int) for row in book["Initiatives"].iter_rows(min_row=2, values_only=True))


def test_the_csv_quotes_every_dangerous_text(hostile_report):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(hostile_report.csv.read().decode("utf-8-sig"), newline="")))
    prefixed = assert_inert(rows)
    assert {"'" + formula for formula in FORMULAS} <= prefixed
    t3 = next(row for row in rows if row[0] == "T-3")
    assert t3[16] == "'" + hostile(FORMULAS[0])  # the CSV keeps the text whole, control characters included
    assert t3[17] == "'" + hostile(FORMULAS[1])
    assert t3[19].startswith("'" + FORMULAS[0]) and EVIDENCE_URL in t3[19]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (Debian's poppler-utils) is not installed")
def test_the_pdf_shows_every_hostile_text_literally(hostile_report):
    with hostile_report.pdf.open("rb") as pdf:  # through the storage, wherever it keeps the file
        content = pdf.read()
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    # The PDF is set in Helvetica, whose Latin-1 glyphs show neither Thai nor Vietnamese: those are read in the DOCX.
    missing = [wanted for wanted in [*visible_texts(languages=[]), "Line one line two"] if wanted not in flat]
    assert not missing
    assert LONG_WORD in "".join(text.split())  # split across lines, but whole


def test_the_docx_shows_every_hostile_text_literally(hostile_report):
    import io

    from docx import Document

    document = Document(io.BytesIO(hostile_report.docx.read()))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    flat = " ".join(" ".join(texts).split())
    missing = [wanted for wanted in [*visible_texts(), shown(CONTROL), LONG_WORD] if wanted not in flat]
    assert not missing


def test_the_report_page_shows_the_hostile_texts_escaped(client, hostile_report):
    client.force_login(User.objects.get(username="telsom"))
    response = client.get(hostile_report.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "&lt;/para&gt;" in content and "<font color=red>" not in content
