import logging
from datetime import date, timedelta
from smtplib import SMTPException

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.models import User
from reporting import tasks
from reporting.models import ExpectedReport, Period, Reminder
from reporting.notifications import _remind, send_due_reminders
from reporting.services import period_create, period_open, update_create
from workprogramme.models import Body

D = date(2027, 1, 31)
DAY = timedelta(days=1)
TWO_WEEKS, THREE_DAYS, OVERDUE = Reminder.Step.TWO_WEEKS, Reminder.Step.THREE_DAYS, Reminder.Step.OVERDUE
VALUES = {"status": "in_progress", "progress": 40, "narrative": "Work under way."}


def nothing_sent(result):
    return result == {TWO_WEEKS: 0, THREE_DAYS: 0, OVERDUE: 0}


def emails_to(mailoutbox, address):
    return [message for message in mailoutbox if address in message.to]


def owing_bodies(period):
    return set(ExpectedReport.objects.filter(period=period).missing().values_list("body__acronym", flat=True))


def file_everything(user, period, submit=True):
    """File an update on every report the user's body owes in the period."""
    for expected in ExpectedReport.objects.filter(period=period, body=user.body):
        update_create(
            user=user,
            period=period,
            initiative=expected.initiative,
            output=expected.output,
            body=expected.body,
            values=VALUES,
            submit=submit,
        )


@pytest.fixture
def period(secretariat):
    # Opened without running its on-commit callbacks: the period-opened emails stay out of the outbox.
    return period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2, deadline=D))


@pytest.fixture
def secretariat_emails():
    return sorted(
        User.objects.filter(role=User.Role.SECRETARIAT, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def test_twenty_days_before_the_deadline_nothing_is_sent(period, mailoutbox):
    assert nothing_sent(send_due_reminders(on=D - 20 * DAY))
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_two_weeks_before_the_deadline_each_body_that_owes_gets_one_reminder(period, mailoutbox):
    owing = owing_bodies(period)

    result = send_due_reminders(on=D - 14 * DAY)

    assert result == {TWO_WEEKS: len(owing), THREE_DAYS: 0, OVERDUE: 0}
    assert len(mailoutbox) == len(owing)
    assert set(Reminder.objects.filter(step=TWO_WEEKS).values_list("body__acronym", flat=True)) == owing
    [message] = emails_to(mailoutbox, "telsom@demo.invalid")
    assert message.to == ["telsom@demo.invalid"]
    assert message.cc == []
    assert message.subject == "[ASEAN Tracker] Reminder: TELSOM still owes 9 reports for 2026-H2 by 31 Jan 2027"
    assert "- AWPEC-1.1: " in message.body
    assert "31 Jan 2027" in message.body
    assert Reminder.objects.get(body__acronym="TELSOM").recipients == "telsom@demo.invalid"


def test_between_two_steps_the_earlier_one_is_still_sent(period, mailoutbox):
    assert send_due_reminders(on=D - 10 * DAY)[TWO_WEEKS] == len(owing_bodies(period))


def test_running_again_on_the_same_day_sends_nothing_more(period, mailoutbox):
    send_due_reminders(on=D - 14 * DAY)
    sent = len(mailoutbox)

    assert nothing_sent(send_due_reminders(on=D - 14 * DAY))
    assert nothing_sent(send_due_reminders(on=D - 13 * DAY))
    assert len(mailoutbox) == sent
    assert Reminder.objects.count() == sent


def test_three_days_before_the_deadline_the_second_reminder_goes_out(period, mailoutbox):
    send_due_reminders(on=D - 14 * DAY)
    mailoutbox.clear()

    result = send_due_reminders(on=D - 3 * DAY)

    assert result == {TWO_WEEKS: 0, THREE_DAYS: len(owing_bodies(period)), OVERDUE: 0}
    [message] = emails_to(mailoutbox, "telsom@demo.invalid")
    assert message.subject.startswith("[ASEAN Tracker] Due in 3 days: TELSOM still owes 9 reports")
    assert message.cc == []


def test_the_day_after_the_deadline_the_overdue_reminder_copies_the_secretariat(period, mailoutbox, secretariat_emails):
    send_due_reminders(on=D - 14 * DAY)
    send_due_reminders(on=D - 3 * DAY)
    mailoutbox.clear()

    result = send_due_reminders(on=D + DAY)

    assert result == {TWO_WEEKS: 0, THREE_DAYS: 0, OVERDUE: len(owing_bodies(period))}
    assert secretariat_emails == ["admin@demo.invalid", "secretariat@demo.invalid"]
    assert all(sorted(message.cc) == secretariat_emails for message in mailoutbox)
    [message] = emails_to(mailoutbox, "telsom@demo.invalid")
    assert message.subject == (
        "[ASEAN Tracker] Overdue: TELSOM still owes 9 reports for 2026-H2 (deadline was 31 Jan 2027)"
    )
    assert "secretariat@demo.invalid" in Reminder.objects.get(body__acronym="TELSOM", step=OVERDUE).recipients


def test_a_body_that_has_filed_all_its_reports_gets_no_reminder(period, mailoutbox):
    awgipc = User.objects.get(username="awgipc")
    file_everything(awgipc, period)

    send_due_reminders(on=D - 14 * DAY)

    assert emails_to(mailoutbox, "awgipc@demo.invalid") == []
    assert not Reminder.objects.filter(body__acronym="AWGIPC").exists()
    assert len(mailoutbox) == len(owing_bodies(period))


def test_a_draft_does_not_count_as_filed(period, mailoutbox):
    file_everything(User.objects.get(username="aegc"), period, submit=False)

    send_due_reminders(on=D - 14 * DAY)

    assert len(emails_to(mailoutbox, "aegc@demo.invalid")) == 1


def test_a_reminder_lists_only_the_lines_still_missing(period, telsom, mailoutbox):
    filed = ExpectedReport.objects.filter(period=period, body=telsom.body, initiative__code="AWPEC-1.1").get()
    update_create(user=telsom, period=period, initiative=filed.initiative, body=telsom.body, values=VALUES, submit=True)

    send_due_reminders(on=D - 14 * DAY)

    [message] = emails_to(mailoutbox, "telsom@demo.invalid")
    assert "TELSOM still owes 8 reports" in message.subject
    assert "- AWPEC-1.1: " not in message.body
    assert "- AWPEC-1.3: " in message.body


def test_a_period_opened_late_gets_only_the_overdue_reminder(period, mailoutbox):
    result = send_due_reminders(on=D + DAY)

    assert result == {TWO_WEEKS: 0, THREE_DAYS: 0, OVERDUE: len(owing_bodies(period))}
    for later in (D + DAY, D + 2 * DAY, D + 30 * DAY):
        assert nothing_sent(send_due_reminders(on=later))
    # Nor does a run for an earlier day (a delayed or replayed job) send a step already overtaken.
    assert nothing_sent(send_due_reminders(on=D - 3 * DAY))
    assert set(Reminder.objects.values_list("step", flat=True)) == {OVERDUE}
    assert len(mailoutbox) == len(owing_bodies(period))


def test_periods_not_taking_filings_are_not_reminded(secretariat, mailoutbox):
    period_create(user=secretariat, year=2026, half=2, deadline=D)  # upcoming, never opened

    assert nothing_sent(send_due_reminders(on=D + DAY))
    assert mailoutbox == []


def test_a_closed_period_is_still_reminded_of_what_is_overdue(period, mailoutbox):
    Period.objects.filter(pk=period.pk).update(state=Period.State.CLOSED)

    assert send_due_reminders(on=D + DAY)[OVERDUE] == len(owing_bodies(period))


def test_a_body_with_no_reporter_email_is_recorded_once_and_not_emailed(period, mailoutbox, caplog):
    User.objects.filter(username="awgipc").update(email="")

    with caplog.at_level(logging.WARNING, logger="reporting.notifications"):
        result = send_due_reminders(on=D - 14 * DAY)

    assert result[TWO_WEEKS] == len(owing_bodies(period)) - 1
    assert Reminder.objects.get(body__acronym="AWGIPC", step=TWO_WEEKS).recipients == ""
    assert any("AWGIPC" in record.getMessage() for record in caplog.records)
    assert nothing_sent(send_due_reminders(on=D - 13 * DAY))


def test_a_reminder_already_claimed_by_a_concurrent_run_is_not_sent_again(period, mailoutbox):
    # The other run inserted its row after this run looked: the unique constraint stops the second send.
    telsom_body = Body.objects.get(acronym="TELSOM")
    Reminder.objects.create(period=period, body=telsom_body, step=TWO_WEEKS, recipients="telsom@demo.invalid")
    lines = list(ExpectedReport.objects.filter(period=period, body=telsom_body))

    assert _remind(period, telsom_body, TWO_WEEKS, lines, ["telsom@demo.invalid"], []) is False
    assert mailoutbox == []
    assert Reminder.objects.filter(body=telsom_body).count() == 1


def test_a_reminder_that_could_not_be_sent_is_not_recorded_and_is_tried_again(period, mailoutbox, monkeypatch):
    with monkeypatch.context() as patch:

        def refuse(message, fail_silently=False):
            raise SMTPException("mail server down")

        patch.setattr(EmailMessage, "send", refuse)
        with pytest.raises(SMTPException):
            send_due_reminders(on=D - 14 * DAY)
    assert not Reminder.objects.exists()

    assert send_due_reminders(on=D - 13 * DAY)[TWO_WEEKS] == len(owing_bodies(period))


def test_the_celery_task_sends_the_reminders_due_today(secretariat, mailoutbox):
    today = timezone.localdate()
    year, half = Period.containing(today)
    period = period_open(
        user=secretariat,
        period=period_create(user=secretariat, year=year, half=half, deadline=today + timedelta(days=14)),
    )

    # Through a broker a worker would run it in another process, outside this test's transaction: call it here.
    result = tasks.send_due_reminders() if settings.CELERY_BROKER_URL else tasks.send_due_reminders.delay().get()

    assert result == {TWO_WEEKS: len(owing_bodies(period)), THREE_DAYS: 0, OVERDUE: 0}
    assert len(mailoutbox) == len(owing_bodies(period))
