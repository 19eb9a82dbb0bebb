"""Celery tasks of the progress reports: thin, they take the report's id and call the service."""

from celery import shared_task

from . import services


@shared_task(name="reports.build_report")
def build_report(report_id):
    services.report_build(report_id)
