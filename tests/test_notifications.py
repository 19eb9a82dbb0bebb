from datetime import date

import pytest
from django.conf import settings

from accounts.models import User
from reporting.models import ExpectedReport, Period, Update
from reporting.notifications import period_opened, update_reviewed
from reporting.services import period_create, period_open, update_accept, update_create, update_return, update_submit
from workprogramme.models import Body, Initiative

DEADLINE = date(2027, 1, 31)
VALUES = {"status": "in_progress", "progress": 40, "narrative": "Gap study drafted; consultations under way."}


def emails_to(mailoutbox, address):
    return [message for message in mailoutbox if address in message.to]


@pytest.fixture
def opened(secretariat, django_capture_on_commit_callbacks):
    """2026-H2 opened, with the emails its opening sends."""
    with django_capture_on_commit_callbacks(execute=True):
        return period_open(
            user=secretariat, period=period_create(user=secretariat, year=2026, half=2, deadline=DEADLINE)
        )


@pytest.fixture
def period(secretariat):
    """2026-H2 opened quietly: its opening emails are never sent (the transaction never commits)."""
    return period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2, deadline=DEADLINE))


@pytest.fixture
def submitted(period, telsom):
    return update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-1.1"),
        body=telsom.body,
        values=VALUES,
        submit=True,
    )


# A period opens --------------------------------------------------------------------------------------------------


def test_opening_a_period_sends_one_email_to_each_body_that_owes_reports(opened, mailoutbox):
    owing = set(ExpectedReport.objects.filter(period=opened).values_list("body__acronym", flat=True))

    assert len(mailoutbox) == len(owing)
    assert {message.subject.split(": ")[1].split(" owes")[0] for message in mailoutbox} == owing
    assert all(message.from_email == settings.DEFAULT_FROM_EMAIL for message in mailoutbox)


def test_telsoms_reporter_gets_one_email_naming_its_lines_and_the_deadline(opened, mailoutbox):
    lines = ExpectedReport.objects.filter(period=opened, body__acronym="TELSOM").select_related("initiative")

    [message] = emails_to(mailoutbox, "telsom@demo.invalid")

    assert message.to == ["telsom@demo.invalid"]
    assert message.subject == f"[ASEAN Tracker] 2026-H2 is open: TELSOM owes {len(lines)} reports by 31 Jan 2027"
    for line in lines:
        assert f"- {line.initiative.code}: {line.initiative.short_title}" in message.body
    assert "31 Jan 2027" in message.body
    assert f"{settings.SITE_URL}/reporting/" in message.body


def test_a_line_owed_for_one_output_names_the_output(opened, mailoutbox):
    # AWPEC-13's second output (CRISP) is the SLC's, not the lead's.
    [message] = emails_to(mailoutbox, "slc@demo.invalid")

    assert "- AWPEC-13 output 2: " in message.body
    assert message.subject.startswith("[ASEAN Tracker] 2026-H2 is open: SLC owes 1 report by")


def test_a_body_with_no_expected_report_gets_no_email(opened, mailoutbox):
    assert not ExpectedReport.objects.filter(period=opened, body__acronym="ACCSQ").exists()
    assert emails_to(mailoutbox, "accsq@demo.invalid") == []


def test_the_emails_are_plain_text_without_html_escaping(opened, mailoutbox):
    bodies = "\n".join(message.body for message in mailoutbox)

    assert "'" in bodies
    assert "&#x27;" not in bodies and "&amp;" not in bodies and "&quot;" not in bodies


def test_inactive_people_and_people_without_an_email_are_not_emailed(period, mailoutbox):
    telsom_body = Body.objects.get(acronym="TELSOM")
    User.objects.create_user("telsom-left", email="left@demo.invalid", body=telsom_body, is_active=False)
    User.objects.create_user("telsom-no-email", email="", body=telsom_body)
    User.objects.create_user("telsom-second", email="second@demo.invalid", body=telsom_body)

    period_opened(period)

    [message] = emails_to(mailoutbox, "telsom@demo.invalid")
    assert message.to == ["second@demo.invalid", "telsom@demo.invalid"]


def test_a_period_with_no_expected_report_sends_nothing(secretariat, mailoutbox):
    period = Period.objects.create(year=2030, half=1, deadline=date(2030, 7, 31), state=Period.State.OPEN)

    assert period_opened(period) == 0
    assert mailoutbox == []


# An update is reviewed ---------------------------------------------------------------------------------------------


def test_accepting_an_update_emails_its_author(submitted, reviewer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        update_accept(user=reviewer, update=submitted)

    [message] = mailoutbox
    assert message.to == ["telsom@demo.invalid"]
    assert message.subject == "[ASEAN Tracker] Accepted: TELSOM's update on AWPEC-1.1 for 2026-H2"
    assert "has accepted TELSOM's update on AWPEC-1.1 for 2026-H2" in message.body
    assert f"{settings.SITE_URL}{submitted.get_absolute_url()}" in message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_returning_an_update_emails_its_author_with_the_reviewers_comment(
    submitted, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    comment = "Please attach the gap study & say which Member States took part."
    with django_capture_on_commit_callbacks(execute=True):
        update_return(user=reviewer, update=submitted, comment=comment)

    [message] = mailoutbox
    assert message.to == ["telsom@demo.invalid"]
    assert message.subject == "[ASEAN Tracker] Returned for revision: TELSOM's update on AWPEC-1.1 for 2026-H2"
    assert comment in message.body
    assert f"{settings.SITE_URL}{submitted.get_absolute_url()}" in message.body


def test_the_other_reporters_of_the_body_are_told_as_well(submitted, reviewer, mailoutbox):
    User.objects.create_user("telsom-second", email="second@demo.invalid", role="reporter", body=submitted.body)
    accepted = update_accept(user=reviewer, update=submitted)

    update_reviewed(accepted)

    [message] = mailoutbox
    assert message.to == ["telsom@demo.invalid", "second@demo.invalid"]


def test_an_update_filed_on_behalf_of_a_body_tells_both_the_author_and_the_body(
    period, secretariat, reviewer, mailoutbox
):
    update = update_create(
        user=secretariat,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-1.1"),
        body=Body.objects.get(acronym="TELSOM"),
        values=VALUES,
        submit=True,
    )
    accepted = update_accept(user=reviewer, update=update)

    update_reviewed(accepted)

    [message] = mailoutbox
    assert message.to == ["secretariat@demo.invalid", "telsom@demo.invalid"]


def test_no_review_email_once_the_update_has_moved_on(submitted, telsom, reviewer, mailoutbox):
    # Submitted again after being returned, before the task ran: the return is no longer news.
    update_return(user=reviewer, update=submitted, comment="Add the evidence.")
    update_submit(user=telsom, update=submitted)

    assert update_reviewed(Update.objects.get(pk=submitted.pk)) == 0
    assert mailoutbox == []
