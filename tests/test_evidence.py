"""Evidence: links, meeting references and files, the files checked by size, extension and content, kept by hash."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting.models import Evidence, Update
from reporting.services import (
    evidence_add_file,
    evidence_add_link,
    period_close,
    period_create,
    period_mark_reviewed,
    period_open,
    update_accept,
    update_create,
    update_return,
    update_submit,
)
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db

ALLOWED = "Allowed: DOCX, JPG, PDF, PNG, XLSX, checked by content."

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HTML = b"<!DOCTYPE html><html><body><script>alert('x')</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode."


def office_file(*parts):
    """A real (minimal) Office Open XML package holding the given parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        for part in parts:
            archive.writestr(part, '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


DOCX = office_file("word/document.xml")
XLSX = office_file("xl/workbook.xml")


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored(file_storage):
    """The tests that store files run on local disk and on the object store (tests/conftest.py)."""
    return file_storage


@pytest.fixture
def period(secretariat):
    return period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))


@pytest.fixture
def draft(period, telsom):
    return update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-1.1"),
        body=telsom.body,
        values={"status": "in_progress", "progress": 30, "narrative": "Study drafted."},
    )


# Files accepted --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("minutes.pdf", PDF, "application/pdf"),
        ("Minutes.PDF", PDF, "application/pdf"),
        ("minutes.2019.v2.pdf", PDF, "application/pdf"),
        ("report.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("chart.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
    ],
)
def test_an_allowed_file_is_kept_under_its_sha256(draft, telsom, stored, name, content, content_type):
    evidence = evidence_add_file(user=telsom, update=draft, title="Meeting minutes", upload=upload(name, content))

    evidence = Evidence.objects.get(pk=evidence.pk)
    digest = hashlib.sha256(content).hexdigest()
    assert evidence.kind == Evidence.Kind.FILE
    assert evidence.sha256 == digest
    assert evidence.size == len(content)
    assert evidence.content_type == content_type
    assert evidence.filename == name
    assert evidence.title == "Meeting minutes"
    assert evidence.added_by == telsom
    # Stored under the hash: the name the user gave never reaches the filesystem.
    assert evidence.file.name == f"evidence/{digest[:2]}/{digest}"
    assert name.rsplit(".", 1)[0] not in evidence.file.name
    assert stored.names() == [f"evidence/{digest[:2]}/{digest}"]
    with default_storage.open(evidence.file.name) as kept:
        assert kept.read() == content


def test_the_content_type_is_what_the_content_says_not_what_the_browser_claimed(draft, telsom):
    evidence = evidence_add_file(user=telsom, update=draft, title="", upload=upload("minutes.pdf", PDF, "text/html"))

    assert evidence.content_type == "application/pdf"
    assert evidence.title == "minutes.pdf"  # no title given: the file's name


def test_a_file_of_exactly_10_mb_is_accepted(draft, telsom, stored):
    content = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))

    evidence = evidence_add_file(user=telsom, update=draft, title="Annex", upload=upload("annex.pdf", content))

    assert evidence.size == 10 * 1024 * 1024
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert default_storage.size(evidence.file.name) == len(content)


def test_the_same_file_filed_on_two_updates_is_stored_under_its_hash_both_times(period, draft, telsom, stored):
    other = update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-1.3"),
        body=telsom.body,
        values={"status": "in_progress", "progress": 10, "narrative": "Draft framework discussed."},
    )
    digest = hashlib.sha256(PDF).hexdigest()

    first = evidence_add_file(user=telsom, update=draft, title="Minutes", upload=upload("minutes.pdf", PDF))
    second = evidence_add_file(user=telsom, update=other, title="Minutes", upload=upload("minutes-copy.pdf", PDF))

    assert first.sha256 == second.sha256 == digest
    assert first.file.name == f"evidence/{digest[:2]}/{digest}"
    assert second.file.name == f"evidence/{digest[:2]}/{digest}"
    assert stored.names() == [f"evidence/{digest[:2]}/{digest}"]


# Files refused ---------------------------------------------------------------------------------------------------


def assert_refused(draft, telsom, stored, file, message):
    with pytest.raises(ValidationError) as refused:
        evidence_add_file(user=telsom, update=draft, title="Evidence", upload=file)

    assert refused.value.message_dict == {"file": [message]}
    assert not Evidence.objects.filter(update=draft).exists()
    assert stored.names() == []


def test_an_html_page_renamed_pdf_is_refused(draft, telsom, stored):
    assert_refused(
        draft,
        telsom,
        stored,
        upload("minutes.pdf", HTML, "application/pdf"),
        f"minutes.pdf is not an allowed file. {ALLOWED}",
    )


def test_an_executable_is_refused(draft, telsom, stored):
    assert_refused(draft, telsom, stored, upload("setup.exe", EXE), f"setup.exe is not an allowed file. {ALLOWED}")


def test_an_executable_renamed_png_is_refused(draft, telsom, stored):
    assert_refused(
        draft, telsom, stored, upload("chart.png", EXE, "image/png"), f"chart.png is not an allowed file. {ALLOWED}"
    )


def test_a_pdf_renamed_png_is_refused(draft, telsom, stored):
    assert_refused(draft, telsom, stored, upload("chart.png", PDF), f"chart.png is not an allowed file. {ALLOWED}")


def test_a_photo_renamed_pdf_is_refused(draft, telsom, stored):
    assert_refused(draft, telsom, stored, upload("minutes.pdf", JPEG), f"minutes.pdf is not an allowed file. {ALLOWED}")


@pytest.mark.parametrize("name", ["minutes", "pdf"])
def test_a_file_without_an_extension_is_refused(draft, telsom, stored, name):
    # Even one named after a type it holds: the name must end in an allowed extension.
    assert_refused(draft, telsom, stored, upload(name, PDF), f"{name} is not an allowed file. {ALLOWED}")


def test_a_zip_renamed_docx_without_a_document_is_refused(draft, telsom, stored):
    assert_refused(
        draft,
        telsom,
        stored,
        upload("report.docx", office_file("payload/run.bat")),
        f"report.docx is not an allowed file. {ALLOWED}",
    )


def test_a_spreadsheet_renamed_docx_is_refused(draft, telsom, stored):
    assert_refused(draft, telsom, stored, upload("report.docx", XLSX), f"report.docx is not an allowed file. {ALLOWED}")


def test_a_broken_archive_named_xlsx_is_refused(draft, telsom, stored):
    assert_refused(
        draft,
        telsom,
        stored,
        upload("figures.xlsx", b"PK\x03\x04" + b"\x00" * 40),
        f"figures.xlsx is not an allowed file. {ALLOWED}",
    )


def test_a_file_over_10_mb_is_refused_with_its_size(draft, telsom, stored):
    content = PDF + b"0" * (11 * 1024 * 1024 - len(PDF))

    assert_refused(draft, telsom, stored, upload("annex.pdf", content), "annex.pdf is 11.0 MB; the limit is 10 MB.")


def test_a_file_one_byte_over_10_mb_is_refused(draft, telsom, stored):
    content = PDF + b"0" * (10 * 1024 * 1024 + 1 - len(PDF))

    with pytest.raises(ValidationError, match="annex.pdf is .* MB; the limit is 10 MB."):
        evidence_add_file(user=telsom, update=draft, title="Annex", upload=upload("annex.pdf", content))

    assert not Evidence.objects.filter(update=draft).exists()
    assert stored.names() == []


# Links and meeting references --------------------------------------------------------------------------------------


def test_a_link_is_added_with_its_title_and_address(draft, telsom):
    evidence = evidence_add_link(
        user=telsom, update=draft, title="  Joint statement  ", url="https://asean.org/joint-statement"
    )

    evidence = Evidence.objects.get(pk=evidence.pk)
    assert (evidence.kind, evidence.title, evidence.url) == (
        "link",
        "Joint statement",
        "https://asean.org/joint-statement",
    )
    assert evidence.added_by == telsom
    assert evidence.get_absolute_url() == "https://asean.org/joint-statement"


def test_a_meeting_reference_needs_no_address(draft, telsom):
    evidence = evidence_add_link(
        user=telsom, update=draft, title="26th TELSOM Leaders' Retreat, Nov 2026", kind="meeting"
    )

    assert (evidence.kind, evidence.url) == ("meeting", "")


def test_a_link_needs_a_title(draft, telsom):
    with pytest.raises(ValidationError) as refused:
        evidence_add_link(user=telsom, update=draft, title="  ", url="https://asean.org/")

    assert refused.value.message_dict == {"title": ["Give the evidence a title."]}
    assert not Evidence.objects.filter(update=draft).exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "not a url", "file:///etc/passwd"])
def test_a_link_must_be_a_web_address(draft, telsom, url):
    with pytest.raises(ValidationError) as refused:
        evidence_add_link(user=telsom, update=draft, title="Statement", url=url)

    assert refused.value.message_dict == {"url": ["Enter a valid URL."]}
    assert not Evidence.objects.filter(update=draft).exists()


def test_a_link_needs_an_address(draft, telsom):
    # A meeting reference stands on its title; a link without an address points nowhere.
    with pytest.raises(ValidationError):
        evidence_add_link(user=telsom, update=draft, title="Joint statement", url="", kind="link")

    assert not Evidence.objects.filter(update=draft).exists()


def test_files_are_not_added_as_links(draft, telsom):
    with pytest.raises(ValidationError, match="Links and meeting references only; upload files separately."):
        evidence_add_link(user=telsom, update=draft, title="Minutes", url="https://asean.org/m.pdf", kind="file")

    assert not Evidence.objects.filter(update=draft).exists()


# When and by whom --------------------------------------------------------------------------------------------------


def test_evidence_can_be_added_while_the_update_awaits_review(draft, telsom):
    submitted = update_submit(user=telsom, update=draft, version=draft.version)

    evidence_add_link(user=telsom, update=submitted, title="Minutes", kind="meeting")

    assert Evidence.objects.filter(update=submitted).count() == 1


def test_evidence_can_be_added_to_a_returned_update(draft, telsom, reviewer):
    submitted = update_submit(user=telsom, update=draft, version=draft.version)
    returned = update_return(user=reviewer, update=submitted, comment="Attach the minutes.", version=submitted.version)

    evidence_add_file(user=telsom, update=returned, title="Minutes", upload=upload("minutes.pdf", PDF))

    assert Evidence.objects.filter(update=returned).count() == 1


def test_evidence_cannot_be_added_to_an_accepted_update(draft, telsom, reviewer, stored):
    submitted = update_submit(user=telsom, update=draft, version=draft.version)
    accepted = update_accept(user=reviewer, update=submitted, version=submitted.version)

    with pytest.raises(ValidationError, match="Evidence cannot be added to a reviewed update."):
        evidence_add_file(user=telsom, update=accepted, title="Late annex", upload=upload("annex.pdf", PDF))
    with pytest.raises(ValidationError, match="Evidence cannot be added to a reviewed update."):
        evidence_add_link(user=telsom, update=accepted, title="Late link", url="https://asean.org/")

    assert not Evidence.objects.filter(update=accepted).exists()
    assert stored.names() == []
    assert Update.objects.get(pk=accepted.pk).state == Update.State.ACCEPTED


def test_another_bodys_reporter_cannot_add_a_file(draft, stored, django_user_model):
    accp = django_user_model.objects.get(username="accp")

    with pytest.raises(PermissionDenied, match="Only TELSOM's own reporters or the ASEAN Secretariat"):
        evidence_add_file(user=accp, update=draft, title="Minutes", upload=upload("minutes.pdf", PDF))

    assert not Evidence.objects.filter(update=draft).exists()
    assert stored.names() == []


def test_the_reviewer_cannot_add_evidence_to_a_body_update(draft, reviewer):
    with pytest.raises(PermissionDenied):
        evidence_add_link(user=reviewer, update=draft, title="Minutes", kind="meeting")

    assert not Evidence.objects.filter(update=draft).exists()


def test_the_secretariat_adds_evidence_on_a_bodys_behalf(draft, secretariat):
    evidence = evidence_add_file(user=secretariat, update=draft, title="Minutes", upload=upload("minutes.pdf", PDF))

    assert evidence.added_by == secretariat


def test_no_evidence_is_added_to_a_draft_once_its_period_is_reviewed(draft, telsom, secretariat, stored):
    # A reviewed period takes no filings: its drafts can no longer be edited or submitted, nor given evidence.
    period = period_close(user=secretariat, period=draft.period)
    period_mark_reviewed(user=secretariat, period=period)
    draft = Update.objects.select_related("period").get(pk=draft.pk)

    with pytest.raises(ValidationError):
        evidence_add_file(user=telsom, update=draft, title="Minutes", upload=upload("minutes.pdf", PDF))
    with pytest.raises(ValidationError):
        evidence_add_link(user=telsom, update=draft, title="Minutes", kind="meeting")

    assert not Evidence.objects.filter(update=draft).exists()
    assert stored.names() == []
