"""The reporting cycle: biannual periods, the reports each body owes, its updates, their review and evidence."""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from workprogramme.models import Body, Initiative, MemberState, Output, Status, format_date, precision_field

from .limits import (
    EXPLANATION_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RESTRICTION_REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    at_most,
    text_field,
)


class PeriodQuerySet(models.QuerySet):
    def taking_filings(self):
        return self.filter(state__in=[Period.State.OPEN, Period.State.CLOSED])

    def current(self):
        """The open period, else the latest closed one."""
        return self.filter(state=Period.State.OPEN).first() or self.filter(state=Period.State.CLOSED).first()


class Period(models.Model):
    """A half-year reporting period, H1 (January-June) or H2 (July-December)."""

    class State(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed (late filing allowed)"
        REVIEWED = "reviewed", "Reviewed"

    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField(choices=[(1, "H1"), (2, "H2")])
    code = models.CharField(max_length=7, unique=True, editable=False)
    deadline = models.DateField(help_text="Updates filed after this day are flagged late.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPCOMING, db_index=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="one_period_per_half_year"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="half_is_1_or_2"),
            # Two people opening two periods at the same moment: the database lets only one be open.
            models.UniqueConstraint(fields=["state"], condition=Q(state="open"), name="one_open_period"),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.make_code(self.year, self.half)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reporting:period_detail", args=[self.code])

    @staticmethod
    def make_code(year, half):
        return f"{year}-H{half}"

    @classmethod
    def bounds(cls, year, half):
        start = date(year, 1 if half == 1 else 7, 1)
        end_month = 6 if half == 1 else 12
        return start, date(year, end_month, calendar.monthrange(year, end_month)[1])

    @classmethod
    def default_deadline(cls, year, half):
        """One month after the period ends."""
        return cls.bounds(year, half)[1] + timedelta(days=31)

    @classmethod
    def containing(cls, day):
        return day.year, 1 if day.month <= 6 else 2

    @property
    def starts_on(self):
        return self.bounds(self.year, self.half)[0]

    @property
    def ends_on(self):
        return self.bounds(self.year, self.half)[1]

    @property
    def takes_filings(self):
        return self.state in (self.State.OPEN, self.State.CLOSED)

    def is_late(self, on):
        return on > self.deadline


class PeriodEvent(models.Model):
    """The log of a period's life: who opened, closed, reopened (and why) or marked it reviewed, and when."""

    class Action(models.TextChoices):
        OPENED = "opened", "Opened"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        REVIEWED = "reviewed", "Marked reviewed"

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = text_field(EXPLANATION_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="reopened") | ~Q(reason=""),
                name="reopening_a_period_has_a_reason",
                violation_error_message="Say why the period is reopened.",
            ),
            at_most("reason", EXPLANATION_MAX_LENGTH, "period_event_reason_max_length"),
        ]

    def __str__(self):
        return f"{self.period} {self.get_action_display().lower()} by {self.by}"


class ExpectedReportQuerySet(models.QuerySet):
    def with_receipt(self):
        """Annotate each entry: received (an update submitted or accepted) and, if so, whether it came late."""
        received = Update.objects.filter(expected=OuterRef("pk"), state__in=Update.RECEIVED_STATES)
        return self.annotate(
            received=Exists(received),
            received_late=Exists(received.filter(late=True)),
        )

    def missing(self):
        return self.with_receipt().filter(received=False)

    def matrix(self):
        """Per body: reports expected, received on time, received late, missing. One query."""
        return (
            self.with_receipt()
            .values("body__acronym", "body__name")
            .annotate(
                expected=Count("id"),
                on_time=Count("id", filter=Q(received=True, received_late=False)),
                late=Count("id", filter=Q(received_late=True)),
                missing=Count("id", filter=Q(received=False)),
            )
            .order_by("-missing", "body__acronym")
        )


class ExpectedReport(models.Model):
    """A report a body owes for a period: one per active line (or output) it leads."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="expected_reports")
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="expected_reports")
    output = models.ForeignKey(Output, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="expected_reports")
    carried_over = models.BooleanField(
        default=False, help_text="The plan has ended but the line is not completed: it is carried over."
    )

    objects = ExpectedReportQuerySet.as_manager()

    class Meta:
        ordering = ["initiative__position", "output__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "initiative", "output", "body"],
                name="one_expected_report",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["period", "body"], name="expected_period_body_idx")]

    def __str__(self):
        return f"{self.period} {self.body} {self.initiative.code}"


class Reason(models.TextChoices):
    """Why a line is delayed or discontinued: a fixed list so that it can be counted."""

    AWAITING_RATIFICATION = "awaiting_ratification", "Awaiting ratification"
    AWAITING_FUNDING = "awaiting_funding", "Awaiting funding"
    DEPENDENT_ON_ANOTHER = "dependent_on_another", "Dependent on another initiative"
    CHANGE_OF_SCOPE = "change_of_scope", "Change of scope"
    AWAITING_CONSENSUS = "awaiting_consensus", "Awaiting consensus among Member States"
    CAPACITY = "capacity", "Lack of capacity or resources"
    OTHER = "other", "Other"


class UpdateQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(state=Update.State.ACCEPTED)

    def public(self):
        """The one way an update reaches the public: accepted, nothing else (drafts, submissions, returns never).

        Public pages, feeds, exports and API responses read updates through this, and show only PUBLIC_FIELDS.
        """
        return self.accepted()

    def in_period(self, period):
        return self.filter(period=period)

    def followed_by(self, update):
        """The accepted updates on `update`'s line (and output) that it follows, newest first: in its period
        (accepted earlier) or before. The first is what a reviewer compares it with, and what it would replace."""
        period = update.period
        return (
            self.accepted()
            .filter(initiative_id=update.initiative_id, output_id=update.output_id)
            .filter(Q(period__year__lt=period.year) | Q(period__year=period.year, period__half__lte=period.half))
            .exclude(pk=update.pk)
            .order_by("-period__year", "-period__half", F("reviewed_at").desc(nulls_last=True), "-pk")
        )

    def awaiting_review(self):
        return self.filter(state=Update.State.SUBMITTED)

    def for_body(self, body):
        return self.filter(body=body)

    def reasons(self):
        """Why lines are delayed or discontinued: (reason label, count), most frequent first. One query."""
        labels = dict(Reason.choices)
        counts = self.exclude(reason="").values("reason").annotate(n=Count("id")).order_by("-n", "reason")
        return [(labels.get(row["reason"], row["reason"]), row["n"]) for row in counts]


class Update(models.Model):
    """One body's implementation update on one line (or output) for one period."""

    Status = Status
    Reason = Reason

    # What the public may see of an accepted update: never its author, reviewer, review notes or comments.
    PUBLIC_FIELDS = (
        "period",
        "initiative",
        "output",
        "body",
        "status",
        "progress",
        "as_of",
        "as_of_precision",
        "narrative",
        "reason",
        "reason_explanation",
        "baseline",
        "kind",
        "reviewed_at",
    )

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for revision"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        CORRECTION = "correction", "Secretariat correction"

    EDITABLE_STATES = (State.DRAFT, State.RETURNED, State.WITHDRAWN)
    RECEIVED_STATES = (State.SUBMITTED, State.ACCEPTED)

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="updates")
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="updates")
    output = models.ForeignKey(Output, null=True, blank=True, on_delete=models.PROTECT, related_name="updates")
    body = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="updates",
        help_text="Blank only for a baseline of a line no body was assigned to.",
    )
    expected = models.ForeignKey(
        ExpectedReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="updates",
        help_text="The expected report this update answers, if the line was expected of the body.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.REPORT,
        help_text="A body's report, or the ASEAN Secretariat's correction of a line's status between reports.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    progress = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Percent complete, 0 to 100; blank only on a baseline that states none."
    )
    as_of = models.DateField(null=True, blank=True, help_text="The date the facts are reported as of.")
    # Filers give a day; the 2019 baseline gives what the document gives ("December 2018" is not 1 December).
    as_of_precision = precision_field("the as-of date")
    narrative = text_field(NARRATIVE_MAX_LENGTH, blank=True)
    next_steps = text_field(NOTE_MAX_LENGTH, blank=True)
    blockers = text_field(NOTE_MAX_LENGTH, "blockers and risks", blank=True)
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True, db_index=True)
    reason_explanation = text_field(EXPLANATION_MAX_LENGTH, blank=True)
    baseline = models.BooleanField(default=False, help_text="Loaded from DIFAP's mid-2019 implementation column.")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="updates_written"
    )
    on_behalf = models.BooleanField(default=False, help_text="Filed by the Secretariat on behalf of the body.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False, help_text="First submitted after the period's deadline.")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="updates_reviewed"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = text_field(NOTE_MAX_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every save; refuses stale edits.")
    history = HistoricalRecords()

    objects = UpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "initiative", "output", "body"], name="one_update_per_line", nulls_distinct=False
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_at_most_100"),
            at_most("narrative", NARRATIVE_MAX_LENGTH, "update_narrative_max_length"),
            at_most("next_steps", NOTE_MAX_LENGTH, "update_next_steps_max_length"),
            at_most("blockers", NOTE_MAX_LENGTH, "update_blockers_max_length"),
            at_most("reason_explanation", EXPLANATION_MAX_LENGTH, "update_reason_explanation_max_length"),
            at_most("review_comment", NOTE_MAX_LENGTH, "update_review_comment_max_length"),
        ]
        indexes = [
            models.Index(fields=["period", "body", "state"], name="update_period_body_state_idx"),
            models.Index(fields=["initiative", "period"], name="update_initiative_period_idx"),
        ]

    def __str__(self):
        what = f"{self.initiative.code}" + (f" output {self.output.position}" if self.output_id else "")
        return f"{self.period} {self.body or 'Secretariat'} {what}"

    def get_absolute_url(self):
        return reverse("reporting:update_detail", args=[self.pk])

    @property
    def as_of_display(self):
        return format_date(self.as_of, self.as_of_precision)

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES


class MemberStateProgress(models.Model):
    """Where a line is tracked per Member State: each Member State's status in this update."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed (ratified / implemented)"

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="member_state_progress")
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)

    class Meta:
        ordering = ["member_state__position"]
        constraints = [models.UniqueConstraint(fields=["update", "member_state"], name="one_status_per_state")]

    def __str__(self):
        return f"{self.member_state.code}: {self.get_status_display()}"


def evidence_path(evidence, filename):
    # Files are stored under their hash: the name a user gave never reaches the filesystem.
    return f"evidence/{evidence.sha256[:2]}/{evidence.sha256}"


class EvidenceQuerySet(models.QuerySet):
    def public(self):
        """Evidence the public may open: on an accepted update, marked public by its filer and confirmed by review."""
        return self.filter(
            update__state=Update.State.ACCEPTED, disclosure=Evidence.Disclosure.PUBLIC, disclosure_confirmed=True
        )

    def withheld_from_public(self):
        """Evidence of accepted updates that the public is told exists, without its title or file."""
        return self.filter(update__state=Update.State.ACCEPTED).exclude(
            disclosure=Evidence.Disclosure.PUBLIC, disclosure_confirmed=True
        )


class Evidence(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", "Link"
        FILE = "file", "File"
        MEETING = "meeting", "Meeting reference"

    class Disclosure(models.TextChoices):
        PUBLIC = "public", "Public"
        RESTRICTED = "restricted", "Restricted"

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    url = models.URLField(blank=True, max_length=URL_MAX_LENGTH)
    file = models.FileField(upload_to=evidence_path, blank=True)
    filename = models.CharField(max_length=255, blank=True, help_text="The name the file was uploaded with.")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    # The filer proposes whether the public may open this; the reviewer confirms it when accepting the update.
    # Until confirmed, nothing of it is public but the fact that it exists.
    disclosure = models.CharField(max_length=10, choices=Disclosure.choices, default=Disclosure.PUBLIC)
    restriction_reason = models.CharField(
        max_length=RESTRICTION_REASON_MAX_LENGTH,
        blank=True,
        help_text="Why the public may not open it; shown publicly in place of the title.",
    )
    disclosure_confirmed = models.BooleanField(default=False, help_text="Confirmed by the reviewer who accepted.")

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(disclosure="restricted") | ~Q(restriction_reason=""),
                name="restricted_evidence_has_a_reason",
                violation_error_message="Say why the public may not open this evidence.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.kind == self.Kind.FILE:
            return reverse("reporting:evidence_download", args=[self.pk])
        return self.url


class Comment(models.Model):
    """A note on an update; replies thread under the comment they answer."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = text_field(NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [at_most("text", NOTE_MAX_LENGTH, "comment_text_max_length")]

    def __str__(self):
        return f"Comment by {self.author} on {self.update}"


class Reminder(models.Model):
    """A reminder sent to a body for a period, at one step: kept so that no step is ever sent twice."""

    class Step(models.TextChoices):
        TWO_WEEKS = "two_weeks", "Two weeks before the deadline"
        THREE_DAYS = "three_days", "Three days before the deadline"
        OVERDUE = "overdue", "The day after the deadline"
        BY_HAND = "by_hand", "Sent now by the Secretariat"

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reminders")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(max_length=12, choices=Step.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_on = models.DateField(default=timezone.localdate, help_text="The day it was sent, for once-a-day limits.")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who sent it by hand; empty for the scheduled steps.",
    )
    recipients = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            # Each scheduled step once per body and period; a reminder by hand at most once a day.
            models.UniqueConstraint(
                fields=["period", "body", "step"], condition=~Q(step="by_hand"), name="one_reminder_per_step"
            ),
            models.UniqueConstraint(
                fields=["period", "body", "sent_on"], condition=Q(step="by_hand"), name="one_reminder_by_hand_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.period} {self.body} {self.get_step_display()}"
