"""Issuing progress reports, building them and handing out their files: for the browser, the API and the task."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from reporting.models import Period
from workprogramme.models import Programme

from . import exports, rollup
from .models import FORMATS, ProgressReport

logger = logging.getLogger(__name__)

DEFAULT_PROGRAMME = "DIFAP"


class NotReady(Exception):
    """The report is still building (or failed): it has no files to hand out."""


class NotFailed(Exception):
    """Only a failed build can be retried: a report building or ready is left alone."""


def can_issue(user):
    return user.is_authenticated and (user.is_reviewer or user.is_secretariat)


def check_can_issue(user):
    if not can_issue(user):
        raise PermissionDenied("Only ACCEC reviewers and ASEAN Secretariat staff can build and issue progress reports.")


def check_can_read(user):
    if not user.is_authenticated:
        raise PermissionDenied("Log in to read progress reports.")


def reports_for(user):
    check_can_read(user)
    return ProgressReport.objects.select_related("period", "programme", "issued_by")


@transaction.atomic
def report_issue(*, user, period, title, executive_summary="", programme=None):
    """Issue the next version of the period's report and queue its build once the transaction commits."""
    check_can_issue(user)
    programme = programme or Programme.objects.get(code=DEFAULT_PROGRAMME)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the report a title, as it will appear on its cover."})
    if period.state == Period.State.UPCOMING:
        raise ValidationError({"period": f"{period} has not opened yet: there is nothing to report on."})
    # Lock the period so that two reviewers issuing at once get versions n and n+1, not a clash.
    Period.objects.select_for_update().get(pk=period.pk)
    latest = ProgressReport.objects.filter(programme=programme, period=period).aggregate(v=Max("version"))["v"]
    report = ProgressReport.objects.create(
        programme=programme,
        period=period,
        version=(latest or 0) + 1,
        title=title[:200],
        executive_summary=(executive_summary or "").strip(),
        issued_by=user,
        issued_at=timezone.now(),
    )
    _queue_build(report)
    return report


@transaction.atomic
def report_retry(*, user, report):
    """Build a failed report again, from the figures it froze if it got that far; its version stays the same."""
    check_can_issue(user)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ProgressReport.State.FAILED:
        raise NotFailed(f"Report {report.pk} is {report.get_state_display().lower()}: only a failed build is retried.")
    report.state, report.progress, report.error = ProgressReport.State.BUILDING, 0, ""
    report.save(update_fields=["state", "progress", "error"])
    _queue_build(report)
    return report


def _queue_build(report):
    """Record the build in the outbox with the transaction that issued (or retried) the report: never lost."""
    from .tasks import queue_build

    queue_build(report.pk)


def _step(report, progress):
    report.progress = progress
    ProgressReport.objects.filter(pk=report.pk).update(progress=progress)


def report_build(report_id):
    """Freeze the figures, then write the four files from them; the page and every export read that one snapshot."""
    report = ProgressReport.objects.select_related("period", "programme", "issued_by").get(pk=report_id)
    if report.state != ProgressReport.State.BUILDING:
        return report  # built already: a retried task must not recompute an issued report
    step = "Computing the figures"
    try:
        if report.snapshot is None:
            report.snapshot = rollup.compute(report.period, report.programme)
            ProgressReport.objects.filter(pk=report.pk).update(snapshot=report.snapshot)
        _step(report, 20)
        writers = [
            ("pdf", exports.to_pdf),
            ("docx", exports.to_docx),
            ("xlsx", exports.to_xlsx),
            ("csv", exports.to_csv),
        ]
        for done, (format, write) in enumerate(writers, start=1):
            step = f"Writing the {format.upper()} file"
            getattr(report, format).save(report.filename_for(format), ContentFile(write(report)), save=False)
            ProgressReport.objects.filter(pk=report.pk).update(**{format: getattr(report, format).name})
            _step(report, 20 + done * 20)
    except Exception as error:
        logger.exception("Building progress report %s failed", report.pk)
        # The page shows this to people who can do nothing with a traceback: say which step failed and what to do.
        report.error = (
            f"{step} failed at {report.progress}% ({type(error).__name__}). The details are in the server log "
            f"under report {report.pk}. Retry the build; if it fails again, tell the site's administrators."
        )
        ProgressReport.objects.filter(pk=report.pk).update(state=ProgressReport.State.FAILED, error=report.error)
        report.state = ProgressReport.State.FAILED
        # Handled, not raised: the failure is the report's state now, and its outbox job is done, so that a
        # retry opens the job again (the outbox keeps at most one outstanding build per report).
        return report
    ProgressReport.objects.filter(pk=report.pk).update(state=ProgressReport.State.READY, progress=100)
    report.state, report.progress = ProgressReport.State.READY, 100
    return report


def report_file(*, user, report, format):
    """(file, filename, content type) of one export; ValueError for an unknown format, NotReady while building."""
    check_can_read(user)
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}: choose one of {', '.join(FORMATS)}.")
    if not report.is_ready:
        raise NotReady(f"Report {report.pk} is {report.get_state_display().lower()}: its files are not ready.")
    return report.file_for(format), report.filename_for(format), FORMATS[format][0]
