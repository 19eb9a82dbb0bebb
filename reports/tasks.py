"""Celery tasks of the progress reports: thin, they take the report's id and call the service."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from outbox.services import enqueue

from . import services
from .models import ProgressReport


@shared_task(name="reports.build_report")
def build_report(report_id):
    services.report_build(report_id)


def queue_build(report_id):
    """Build the report after the commit, through the outbox; one outstanding build per report."""
    return enqueue(build_report, report_id, key=f"reports.build_report:{report_id}")


@shared_task(name="reports.requeue_stuck_builds")
def requeue_stuck_builds():
    """Queue again the build of every report still building a lease after it was issued; returns their ids.

    The outbox already hands over a build whose message was lost; this also catches a report whose job was
    done without the build finishing (a worker killed mid-build) or that was issued before the outbox existed.
    A report whose build is still outstanding in the outbox is left to it (enqueue does nothing then).
    """
    since = timezone.now() - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    stuck = ProgressReport.objects.filter(state=ProgressReport.State.BUILDING, issued_at__lte=since)
    ids = list(stuck.values_list("pk", flat=True))
    for report_id in ids:
        queue_build(report_id)
    return ids
