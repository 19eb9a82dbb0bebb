"""Celery tasks of negotiations in the open: thin, they take ids and call the emails module."""

from celery import shared_task

from . import emails


@shared_task(name="transparency.send_verification", outbox_claim=True)
def send_verification(kind, pk):
    emails.send_verification(kind, pk)


@shared_task(name="transparency.announce", outbox_claim=True)
def announce(kind, pk):
    emails.announce(kind, pk)


@shared_task(name="transparency.send_closing_notices")
def send_closing_notices():
    from .services import consultations_closing_soon

    return len(consultations_closing_soon())
