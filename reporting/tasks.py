"""Celery tasks of the reporting cycle: thin, they take ids, load, and call the notification code.

The two announcements run through the outbox (reporting.services._queue) with `outbox_claim`: each runs in the
transaction that holds its job and marks it done, so a message delivered twice sends its email once.
"""

from celery import shared_task

from . import notifications
from .models import Period, Update


@shared_task(name="reporting.notify_period_opened", outbox_claim=True)
def notify_period_opened(period_id):
    notifications.period_opened(Period.objects.get(pk=period_id))


@shared_task(name="reporting.notify_update_reviewed", outbox_claim=True)
def notify_update_reviewed(update_id):
    notifications.update_reviewed(Update.objects.select_related("period", "initiative", "body").get(pk=update_id))


@shared_task(name="reporting.send_due_reminders")
def send_due_reminders():
    # Run by Celery beat, not through the outbox: each reminder is claimed by its own row (notifications._remind),
    # so a run lost while the broker was away is made up by the next hourly one, and a rerun sends nothing twice.
    return notifications.send_due_reminders()
