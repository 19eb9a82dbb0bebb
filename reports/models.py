"""ACCEC's progress reports: frozen, versioned snapshots of a period's roll-up, with their exported files."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from reporting.models import Period
from workprogramme.models import Programme

FORMATS = {
    # format: (content type, extension, label)
    "pdf": ("application/pdf", "pdf", "PDF document"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel workbook"),
    "csv": ("text/csv", "csv", "CSV, one row per initiative"),
}


def report_file_path(report, filename):
    return f"reports/{report.period.code}/{filename}"


class ProgressReportQuerySet(models.QuerySet):
    def public(self):
        """The one way a report reaches the public: built, published by the Secretariat, and not withdrawn."""
        return self.filter(state=ProgressReport.State.READY, published_at__isnull=False, withdrawn_at__isnull=True)

    def withdrawn_from_public(self):
        """Reports once published and then withdrawn: the public still sees that they were, and why."""
        return self.filter(published_at__isnull=False, withdrawn_at__isnull=False)


class ProgressReport(models.Model):
    """A progress report on a programme for a period: issued once, never recomputed; a new version replaces it."""

    class State(models.TextChoices):
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="progress_reports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="progress_reports")
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    executive_summary = models.TextField(blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.BUILDING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the build done, 0 to 100.")
    error = models.TextField(blank=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False, help_text="The frozen figures.")
    pdf = models.FileField(upload_to=report_file_path, blank=True)
    docx = models.FileField(upload_to=report_file_path, blank=True)
    xlsx = models.FileField(upload_to=report_file_path, blank=True)
    csv = models.FileField(upload_to=report_file_path, blank=True)
    # Issuing circulates a report inside ASEAN; publishing it to everyone is a separate, logged decision.
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(
        max_length=500, blank=True, help_text="Why it was withdrawn from public view; stays public."
    )

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period__year", "-period__half", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "period", "version"], name="one_report_version"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_progress_at_most_100"),
        ]

    def __str__(self):
        return f"{self.title} ({self.period}, version {self.version})"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def is_building(self):
        return self.state == self.State.BUILDING

    @property
    def is_ready(self):
        return self.state == self.State.READY

    def file_for(self, format):
        return getattr(self, format)

    def filename_for(self, format):
        return f"{self.programme.code}-progress-report-{self.period.code}-v{self.version}.{FORMATS[format][1]}"


class PublicationEvent(models.Model):
    """One publishing decision on a report: who published or withdrew it, when, and why. Never edited."""

    class Action(models.TextChoices):
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn from public view"

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="publication_events")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report} {self.get_action_display().lower()} by {self.by} at {self.at}"
