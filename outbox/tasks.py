"""The outbox's Celery tasks: one runs a job, the other (Celery beat) hands over what is due."""

from celery import shared_task

from . import services


@shared_task(name="outbox.run", ignore_result=True)
def run(job_id):
    services.run(job_id)


@shared_task(name="outbox.relay", ignore_result=True)
def relay():
    due, published = services.relay()
    return {"due": due, "published": published}
