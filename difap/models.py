"""What DIFAP itself adds to the shared catalogue: the mid-2019 IMPLEMENTATION column.

That column is history, not description: the status of each line as reported when DIFAP was adopted,
with its own dates and per-Member-State facts. It is kept here as dated records, never as a field of the
initiative, so that the reporting cycle can take it over as the first (baseline) update of each line.
"""

from django.db import models

from workprogramme.models import Initiative, Output, Status, format_date, precision_field


class ImplementationRecord(models.Model):
    class MemberStateStatus(models.TextChoices):
        COMPLETED = "completed", "Completed"
        IN_PROGRESS = "in_progress", "In progress"
        NOT_STARTED = "not_started", "Not started"

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="implementation_records")
    output = models.ForeignKey(
        Output, null=True, blank=True, on_delete=models.CASCADE, related_name="implementation_records"
    )
    # What the text states, reviewed line by line in the fixture: never guessed from the TIMELINE cell.
    status = models.CharField(
        max_length=20,
        choices=[(s, s.label) for s in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED)],
        default=Status.NOT_STARTED,
        help_text="The status the text states for the line (or output).",
    )
    basis = models.TextField(default="", help_text="The sentence of the text that justifies the status, word for word.")
    planned = models.BooleanField(
        default=False, help_text='The text states only what was planned ("will be held", "to conduct").'
    )
    as_of = models.DateField(
        null=True,
        blank=True,
        help_text='The date of the facts the status rests on: completion date, "as of" date, latest dated event.',
    )
    as_of_precision = precision_field("that date")
    planned_on = models.DateField(
        null=True, blank=True, help_text="The date the text gives for something it states as only planned."
    )
    planned_on_precision = precision_field("that planned date")
    outputs = models.JSONField(
        default=dict,
        blank=True,
        help_text="Status of each output the text speaks of: position -> {status, basis}; the others are not reported.",
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where in the document the text is printed, when not in the IMPLEMENTATION column.",
    )
    text = models.TextField()
    member_states = models.JSONField(
        default=dict, blank=True, help_text="Per-Member-State status the text states: ISO code -> status."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "output"], name="one_record_per_line"),
            models.UniqueConstraint(
                fields=["initiative"],
                condition=models.Q(output__isnull=True),
                name="one_record_per_initiative",
            ),
        ]

    def __str__(self):
        return f"DIFAP mid-2019 status of {self.initiative.code}"

    @property
    def as_of_display(self):
        return format_date(self.as_of, self.as_of_precision)

    @property
    def planned_on_display(self):
        return format_date(self.planned_on, self.planned_on_precision)

    @property
    def output_statuses(self):
        """[(position, status label, basis)] for the outputs the text speaks of."""
        labels = dict(Status.choices)
        return [
            (int(position), labels.get(entry["status"], entry["status"]), entry["basis"])
            for position, entry in sorted(self.outputs.items(), key=lambda item: int(item[0]))
        ]

    @property
    def member_state_statuses(self):
        labels = dict(self.MemberStateStatus.choices)
        return [(code, labels.get(status, status)) for code, status in self.member_states.items()]

    @property
    def bullets(self):
        return [line.removeprefix("- ").strip() for line in self.text.splitlines() if line.strip()]
