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
from .models import FORMATS, ProgressReport, PublicationEvent

logger = logging.getLogger(__name__)

DEFAULT_PROGRAMME = "DIFAP"


class NotReady(Exception):
    """The report is still building (or failed): it has no files to hand out."""


class WrongPublicationState(Exception):
    """Publishing a report that is not ready or already public, or withdrawing one that is not public: 409."""


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


def can_publish(user):
    return user.is_authenticated and user.is_secretariat


def check_can_publish(user):
    if not can_publish(user):
        raise PermissionDenied("Only ASEAN Secretariat staff can publish progress reports or withdraw them.")


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


WITHDRAWAL_REASON_MAX = ProgressReport._meta.get_field("withdrawal_reason").max_length


@transaction.atomic
def report_publish(*, user, report):
    """Put an issued, built report before the public; logged, and a separate decision from issuing it."""
    check_can_publish(user)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ProgressReport.State.READY:
        raise WrongPublicationState(
            f"Report {report.pk} is {report.get_state_display().lower()}: only a built report can be published."
        )
    if report.published_at and not report.withdrawn_at:
        raise WrongPublicationState(f"Report {report.pk} is already public.")
    if report.withdrawn_at:
        # A withdrawn report stays withdrawn, with its reason on record: issue a new version instead.
        raise WrongPublicationState(
            f"Report {report.pk} was withdrawn from public view: issue and publish a new version instead."
        )
    now = timezone.now()
    report.published_at, report.published_by = now, user
    report.save(update_fields=["published_at", "published_by"])
    PublicationEvent.objects.create(report=report, action=PublicationEvent.Action.PUBLISHED, by=user, at=now)
    return report


@transaction.atomic
def report_withdraw(*, user, report, reason):
    """Take a published report out of public view; the reason stays public, the files do not."""
    check_can_publish(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the report is withdrawn: the reason is shown to the public."})
    if len(reason) > WITHDRAWAL_REASON_MAX:
        raise ValidationError(
            {"reason": f"Keep the reason to {WITHDRAWAL_REASON_MAX} characters (it has {len(reason)})."}
        )
    if "\x00" in reason:
        raise ValidationError({"reason": "The reason contains a null character; remove it."})
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.published_at or report.withdrawn_at:
        raise WrongPublicationState(f"Report {report.pk} is not public: there is nothing to withdraw.")
    now = timezone.now()
    report.withdrawn_at, report.withdrawn_by, report.withdrawal_reason = now, user, reason
    report.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    PublicationEvent.objects.create(
        report=report, action=PublicationEvent.Action.WITHDRAWN, by=user, at=now, reason=reason
    )
    return report


def public_report_file(*, report, format):
    """A public report's export, for anyone; an unknown format is a 404 like any other guessed address."""
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}: choose one of {', '.join(FORMATS)}.")
    return report.file_for(format), report.filename_for(format), FORMATS[format][0]
