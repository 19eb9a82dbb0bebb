"""Celery tasks of the reporting cycle: thin, they take ids, load, and call the notification code."""

from celery import shared_task

from . import notifications
from .models import Period, Update


@shared_task(name="reporting.notify_period_opened")
def notify_period_opened(period_id):
    notifications.period_opened(Period.objects.get(pk=period_id))


@shared_task(name="reporting.notify_update_reviewed")
def notify_update_reviewed(update_id):
    notifications.update_reviewed(Update.objects.select_related("period", "initiative", "body").get(pk=update_id))


@shared_task(name="reporting.send_due_reminders")
def send_due_reminders():
    return notifications.send_due_reminders()
