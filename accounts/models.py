"""People and their role in the reporting cycle."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class User(AbstractUser):
    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", "ASEAN Secretariat staff"
        REVIEWER = "reviewer", "ACCEC reviewer"
        REPORTER = "reporter", "Body reporter"
        OBSERVER = "observer", "Observer (read only)"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OBSERVER)
    body = models.ForeignKey(
        "workprogramme.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reporters",
        help_text="The implementing body a reporter files for.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="reporter", body__isnull=False) | ~models.Q(role="reporter"),
                name="reporter_has_body",
            )
        ]

    def clean(self):
        super().clean()
        if self.role == self.Role.REPORTER and not self.body_id:
            raise ValidationError({"body": "A body reporter must belong to an implementing body."})

    @property
    def is_secretariat(self):
        return self.role == self.Role.SECRETARIAT

    @property
    def is_reviewer(self):
        return self.role == self.Role.REVIEWER

    @property
    def role_label(self):
        if self.role == self.Role.REPORTER and self.body_id:
            return f"Reporter for {self.body.acronym}"
        if self.body_id:
            return f"{self.get_role_display()}, {self.body.acronym}"
        return self.get_role_display()
