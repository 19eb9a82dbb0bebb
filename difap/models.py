"""What DIFAP itself adds to the shared catalogue: the mid-2019 IMPLEMENTATION column.

That column is history, not description: the status of each line as reported when DIFAP was adopted,
with its own dates and per-Member-State facts. It is kept here as dated records, never as a field of the
initiative, so that the reporting cycle can take it over as the first (baseline) update of each line.
"""

from django.db import models

from workprogramme.models import Initiative, Output


class ImplementationRecord(models.Model):
    class MemberStateStatus(models.TextChoices):
        COMPLETED = "completed", "Completed"
        IN_PROGRESS = "in_progress", "In progress"
        NOT_STARTED = "not_started", "Not started"

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="implementation_records")
    output = models.ForeignKey(
        Output, null=True, blank=True, on_delete=models.CASCADE, related_name="implementation_records"
    )
    as_of = models.DateField(null=True, blank=True, help_text="The date the text gives for its facts, if any.")
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
    def member_state_statuses(self):
        labels = dict(self.MemberStateStatus.choices)
        return [(code, labels.get(status, status)) for code, status in self.member_states.items()]

    @property
    def bullets(self):
        return [line.removeprefix("- ").strip() for line in self.text.splitlines() if line.strip()]
