"""The Secretariat sends a reminder now, from the period page, to one body or to every body still owing: through the
same idempotent reminder code as the scheduled steps, logged, and at most once a day per body."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from reporting import notifications, services
from reporting.models import ExpectedReport, Reminder
from tests.helpers import browser_as, user
from workprogramme.models import Body

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    secretariat = user("secretariat")
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def test_one_body_is_reminded_now_once_a_day(period, mailoutbox):
    telsom = Body.objects.get(acronym="TELSOM")
    reminded, already, _ = notifications.remind_now(user=user("secretariat"), period=period, bodies=[telsom])
    assert (reminded, already) == ([telsom], [])
    [message] = mailoutbox
    assert "telsom@demo.invalid" in message.to and "TELSOM still owes" in message.subject
    reminder = Reminder.objects.get(period=period, body=telsom)
    assert (reminder.step, reminder.sent_by.username) == ("by_hand", "secretariat")

    reminded, already, _ = notifications.remind_now(user=user("secretariat"), period=period, bodies=[telsom])
    assert (reminded, already) == ([], [telsom])
    assert len(mailoutbox) == 1


def test_every_body_still_owing_is_reminded_from_the_period_page(period, mailoutbox):
    owing = set(ExpectedReport.objects.filter(period=period).missing().values_list("body__acronym", flat=True))
    page = browser_as("secretariat").get(period.get_absolute_url()).content.decode()
    assert "Send a reminder now" in page

    page = browser_as("secretariat").post(f"/reporting/periods/{period.code}/remind/", follow=True).content.decode()
    assert "Reminded now:" in page
    assert set(Reminder.objects.filter(period=period, step="by_hand").values_list("body__acronym", flat=True)) == owing
    assert (
        "TELSOM, sent now by the secretariat (secretariat)"
        in browser_as("secretariat").get(period.get_absolute_url()).content.decode()
    )

    again = browser_as("secretariat").post(f"/reporting/periods/{period.code}/remind/", follow=True).content.decode()
    assert "Already reminded today, not again:" in again
    assert Reminder.objects.filter(period=period, step="by_hand").count() == len(owing)


def test_the_scheduled_steps_still_go_out_after_a_reminder_by_hand(period, mailoutbox):
    telsom = Body.objects.get(acronym="TELSOM")
    notifications.remind_now(user=user("secretariat"), period=period, bodies=[telsom])
    sent = notifications.send_due_reminders(on=period.deadline + timedelta(days=1))
    assert sent["overdue"] >= 1
    assert Reminder.objects.filter(period=period, body=telsom, step="overdue").exists()


def test_only_the_secretariat_reminds(period, mailoutbox):
    with pytest.raises(PermissionDenied):
        notifications.remind_now(user=user("accec"), period=period)
    assert not Reminder.objects.exists() and mailoutbox == []


def test_an_unknown_body_is_a_400(period):
    response = browser_as("secretariat").post(f"/reporting/periods/{period.code}/remind/", {"body": "NOPE"})
    assert response.status_code == 400
    assert not Reminder.objects.exists()
