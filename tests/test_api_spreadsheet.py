"""The spreadsheet round trip through the API: download the template, fill rows, upload; all rows or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.models import User
from reporting import spreadsheets
from reporting.models import ExpectedReport, Update

from .test_api_base import (
    API,
    PERIOD,
    api_media_root,
    file_update,
    fresh_cache,
    period,
    secretariat_api,
    snapshot,
    telsom_api,
    token_client,
)

# pytest finds these fixtures by name in this module.
FIXTURES = (api_media_root, fresh_cache, period, secretariat_api, telsom_api)

pytestmark = pytest.mark.django_db

XLSX = spreadsheets.XLSX


def template(api, query=f"period={PERIOD}"):
    response = api.get(f"{API}/updates/spreadsheet/?{query}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def rows_by_code(book):
    sheet = book[spreadsheets.SHEET]
    headers = [c.value for c in sheet[1]]
    rows = {}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value:
            rows[row[0].value] = {h: c for h, c in zip(headers, row, strict=False)}
    return rows


def fill(book, code, status="In progress", progress=40, narrative="Under way."):
    row = rows_by_code(book)[code]
    row["Status"].value = status
    row["Progress (%)"].value = progress
    row["Narrative"].value = narrative


def as_upload(book, name="telsom.xlsx"):
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def upload(api, book, **extra):
    return api.post(f"{API}/updates/spreadsheet/", {"file": as_upload(book)}, format="multipart", **extra)


def test_template_lists_what_the_body_owes(telsom_api, period):
    response = telsom_api.get(f"{API}/updates/spreadsheet/?period={PERIOD}")
    assert 'filename="TELSOM-2026-H2-updates.xlsx"' in response["Content-Disposition"]
    book = template(telsom_api)
    assert book["About"]["B1"].value == PERIOD
    assert book["About"]["B2"].value == "TELSOM"
    owed = ExpectedReport.objects.filter(period=period, body__acronym="TELSOM")
    assert set(rows_by_code(book)) == {e.initiative.code for e in owed}


def test_round_trip_two_rows(file_storage, telsom_api, period):
    book = template(telsom_api)
    fill(book, "AWPEC-1.1", progress=40)
    fill(book, "AWPEC-1.3", status="Completed", progress=100, narrative="Rural broadband plan adopted.")
    response = upload(telsom_api, book)
    assert response.status_code == 201, response.content
    assert sorted(u["initiative_code"] for u in response.json()) == ["AWPEC-1.1", "AWPEC-1.3"]
    updates = Update.objects.filter(period=period, body__acronym="TELSOM")
    assert updates.count() == 2
    assert set(updates.values_list("state", flat=True)) == {"submitted"}
    assert updates.get(initiative__code="AWPEC-1.3").progress == 100
    listed = telsom_api.get(f"{API}/updates/?period={PERIOD}&body=TELSOM&state=submitted").json()["results"]
    assert len(listed) == 2

    # the same rows again, without an Idempotency-Key: refused row by row, nothing new
    again = upload(telsom_api, book)
    assert again.status_code == 400
    data = again.json()
    assert data["detail"]
    assert {e["row"] for e in data["errors"]} == {
        rows_by_code(book)["AWPEC-1.1"]["Status"].row,
        rows_by_code(book)["AWPEC-1.3"]["Status"].row,
    }
    assert all(e["message"] for e in data["errors"])
    assert Update.objects.filter(period=period).count() == 2
    # An upload is read within its request and not kept: no web process needs another's disk to file it.
    assert file_storage.names() == []


def test_upload_as_drafts(telsom_api, period):
    book = template(telsom_api)
    fill(book, "AWPEC-1.1")
    response = telsom_api.post(
        f"{API}/updates/spreadsheet/", {"file": as_upload(book), "submit": "false"}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()[0]["state"] == "draft"


def test_upload_with_idempotency_key_replays(telsom_api, period):
    book = template(telsom_api)
    fill(book, "AWPEC-1.1")
    content = as_upload(book).read()

    def send():
        file = SimpleUploadedFile("t.xlsx", content, content_type=XLSX)
        return telsom_api.post(
            f"{API}/updates/spreadsheet/", {"file": file}, format="multipart", HTTP_IDEMPOTENCY_KEY="sheet-1"
        )

    first, second = send(), send()
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert [u["id"] for u in first.json()] == [u["id"] for u in second.json()]
    assert Update.objects.filter(period=period).count() == 1


@pytest.mark.parametrize("progress", [150, -5, "lots", 40.5])
def test_bad_progress_names_row_and_column(telsom_api, period, progress):
    book = template(telsom_api)
    fill(book, "AWPEC-1.1")
    fill(book, "AWPEC-1.3", progress=progress)
    response = upload(telsom_api, book)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert {"row": rows_by_code(book)["AWPEC-1.3"]["Status"].row, "column": "Progress (%)"} in [
        {"row": e["row"], "column": e["column"]} for e in errors
    ]
    assert not Update.objects.filter(period=period).exists()


def test_bad_status_and_unknown_line(telsom_api, period):
    book = template(telsom_api)
    fill(book, "AWPEC-1.1", status="Sleeping")
    row = rows_by_code(book)["AWPEC-1.3"]
    row["Line code"].value = "AWPEC-999"
    row["Status"].value = "In progress"
    row["Progress (%)"].value = 10
    response = upload(telsom_api, book)
    assert response.status_code == 400
    columns = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert (rows_by_code(book)["AWPEC-1.1"]["Status"].row, "Status") in columns
    assert (row["Status"].row, "Line code") in columns
    assert not Update.objects.filter(period=period).exists()


def test_no_filled_row_is_400(telsom_api, period):
    response = upload(telsom_api, template(telsom_api))
    assert response.status_code == 400
    assert response.json()["errors"]


def test_not_a_spreadsheet_is_400(telsom_api, period):
    for file in (
        SimpleUploadedFile("t.xlsx", b"<html>not a workbook</html>", content_type=XLSX),
        SimpleUploadedFile("t.xlsx", b"PK\x03\x04garbage", content_type=XLSX),
    ):
        response = telsom_api.post(f"{API}/updates/spreadsheet/", {"file": file}, format="multipart")
        assert response.status_code == 400
        assert response.json()["errors"][0]["message"]
    response = telsom_api.post(f"{API}/updates/spreadsheet/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    assert not Update.objects.filter(period=period).exists()


def test_telsom_cannot_upload_accps_sheet(period):
    accp_book = template(token_client("accp"))
    fill(accp_book, "AWPEC-8.1")
    response = upload(token_client("telsom"), accp_book)
    assert response.status_code == 400
    assert not Update.objects.filter(period=period).exists()


def test_template_needs_period_and_a_body(telsom_api, secretariat_api, period):
    assert "period" in telsom_api.get(f"{API}/updates/spreadsheet/").json()
    # A well-formed period or body that does not exist: no such spreadsheet (404), as the schema says (issue 17).
    unknown = telsom_api.get(f"{API}/updates/spreadsheet/?period=2099-H1")
    assert unknown.status_code == 404 and "period" in unknown.json()
    assert telsom_api.get(f"{API}/updates/spreadsheet/?period=").status_code == 400
    response = secretariat_api.get(f"{API}/updates/spreadsheet/?period={PERIOD}")
    assert response.status_code == 400
    assert "body" in response.json()
    assert secretariat_api.get(f"{API}/updates/spreadsheet/?period={PERIOD}&body=NOPE").status_code == 404
    book = template(secretariat_api, f"period={PERIOD}&body=ACCP")
    assert book["About"]["B2"].value == "ACCP"


# The round trip: what is downloaded and uploaded unchanged changes nothing ------------------------------------------

TRICKY = {
    "AWPEC-1.1": {
        "narrative": "=SUM(A1)",
        "next_steps": "+65 123 4567, the regulator's hotline",
        "blockers": "-- note: two lines\nsecond line",
    },
    "AWPEC-1.3": {
        "status": "delayed",
        "progress": 10,
        "narrative": "@here '=quoted' and \"double\" <b>markup</b>",
        "reason": "capacity",
        "reason_explanation": '=HYPERLINK("http://evil.example", "click")',
    },
}


@pytest.fixture
def tricky_drafts(period):
    return [file_update("telsom", code, period, **values) for code, values in TRICKY.items()]


def test_template_writes_text_as_inert_strings(telsom_api, tricky_drafts):
    narrative = rows_by_code(template(telsom_api))["AWPEC-1.1"]["Narrative"]
    assert narrative.value == "=SUM(A1)"
    assert narrative.data_type == "s"  # a string, not a formula
    assert narrative.quotePrefix  # and kept text when edited in Excel


def test_unchanged_round_trip_files_nothing_and_changes_nothing(telsom_api, period, tricky_drafts):
    before = [snapshot(u) for u in tricky_drafts]
    history = sum(u.history.count() for u in tricky_drafts)
    response = upload(telsom_api, template(telsom_api))
    assert response.status_code == 200, response.content
    assert response.json() == []
    assert [snapshot(u) for u in tricky_drafts] == before
    assert sum(u.history.count() for u in tricky_drafts) == history
    assert Update.objects.filter(period=period).count() == len(TRICKY)


def test_round_trip_keeps_every_text_exactly(telsom_api, period, tricky_drafts):
    """One row changed: it alone is filed, and every text of both rows is what was written, character for character."""
    book = template(telsom_api)
    rows_by_code(book)["AWPEC-1.1"]["Progress (%)"].value = 55
    response = upload(telsom_api, book, HTTP_IDEMPOTENCY_KEY="tricky-1")
    assert response.status_code == 201, response.content
    assert [u["initiative_code"] for u in response.json()] == ["AWPEC-1.1"]
    for code, values in TRICKY.items():
        update = Update.objects.get(period=period, initiative__code=code)
        for field, value in values.items():
            if field != "progress":
                assert getattr(update, field) == value, (code, field)
    changed, unchanged = (Update.objects.get(pk=u.pk) for u in tricky_drafts)
    assert (changed.progress, changed.state) == (55, "submitted")
    assert unchanged.version == tricky_drafts[1].version


def test_unchanged_upload_in_the_browser_says_nothing_was_filed(client, period, tricky_drafts):
    client.force_login(User.objects.get(username="telsom"))
    download = client.get(f"/reporting/spreadsheet/?period={PERIOD}&body=TELSOM&download=1")
    file = SimpleUploadedFile("t.xlsx", download.content, content_type=XLSX)
    response = client.post(
        "/reporting/spreadsheet/", {"period": PERIOD, "body": "TELSOM", "submit": "on", "file": file}, follow=True
    )
    assert "Nothing in the spreadsheet differs from what is filed" in response.content.decode()
    assert [snapshot(u) for u in tricky_drafts] == [snapshot(Update.objects.get(pk=u.pk)) for u in tricky_drafts]


def test_a_draft_with_control_characters_is_left_out_of_the_template(telsom_api, period):
    """openpyxl cannot write them: the draft is shown as information, not altered and not a 500."""
    draft = file_update("telsom", "AWPEC-1.1", period, narrative="bell \x07 in the text")
    row = rows_by_code(template(telsom_api))["AWPEC-1.1"]
    assert row["Status"].value is None
    assert "edit it on its page" in row["Current status"].value
    assert Update.objects.get(pk=draft.pk).narrative == "bell \x07 in the text"
