"""Work to do after a commit: recorded in the transaction of the change it follows, so that it cannot be lost."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q


class JobQuerySet(models.QuerySet):
    def outstanding(self):
        """Jobs not done yet: waiting to be handed to Celery, or handed over and not finished."""
        return self.filter(done_at__isnull=True)

    def due(self, *, now, lease, force=False):
        """Outstanding jobs to hand to Celery now.

        Those never handed over whose backoff has passed (all of them with `force`), and those handed over
        longer than `lease` ago and still not done: a broker without persistence may have lost their message.
        """
        waiting = Q(published_at__isnull=True)
        if not force:
            waiting &= Q(next_attempt_at__lte=now)
        lost = Q(published_at__lt=now - lease)
        return self.outstanding().filter(waiting | lost)


class Job(models.Model):
    """A Celery task to run once the transaction that recorded it has committed, until it is done."""

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    key = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text="At most one outstanding job per key."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times handed to Celery or run, failed or not.")
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True, help_text="When Celery last took it.")
    done_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.task}{tuple(self.args)!r}"
