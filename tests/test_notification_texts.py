"""Hostile texts in the emails: line breaks and markup from people's input go out inert, and the email goes out."""

from datetime import date

import pytest

from reporting.services import period_create, period_open, update_create, update_return
from workprogramme.models import Body, Initiative

HOSTILE = "<script>alert('x')</script>\r\nBcc: everyone@example.org\n\n<a href=\"javascript:alert(1)\">click</a>"


@pytest.fixture
def submitted(secretariat, telsom):
    period = period_open(
        user=secretariat, period=period_create(user=secretariat, year=2026, half=2, deadline=date(2027, 1, 31))
    )
    return update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-1.1"),
        body=telsom.body,
        values={"status": "in_progress", "progress": 40, "narrative": HOSTILE},
        submit=True,
    )


def test_a_returned_update_with_a_hostile_comment_and_body_name_is_emailed_as_inert_plain_text(
    submitted, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    # An administrator pasted a name with a line break into the body's acronym; the reviewer's comment is hostile.
    Body.objects.filter(pk=submitted.body_id).update(acronym="TEL\nSOM\r\nBcc: x@y.org")
    submitted.body.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        update_return(user=reviewer, update=submitted, comment=HOSTILE)

    [message] = mailoutbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject == (
        "[ASEAN Tracker] Returned for revision: TEL SOM Bcc: x@y.org's update on AWPEC-1.1 for 2026-H2"
    )
    assert message.bcc == [] and message.recipients() == ["telsom@demo.invalid"]
    assert message.content_subtype == "plain" and not getattr(message, "alternatives", [])
    assert HOSTILE in message.body  # quoted as written: a plain-text body runs nothing
    raw = message.message().as_string()
    assert "Content-Type: text/plain" in raw and "text/html" not in raw
    assert "\nBcc:" not in raw.split("\n\n", 1)[0]  # no header smuggled in
