"""The outbox: work recorded in the caller's transaction, handed to Celery after the commit, retried until done.

`enqueue` inserts a Job in the current transaction and, once it commits, tries to hand it to the broker at once
with a short timeout. If the broker is away the job simply stays pending: the request answers with its real
outcome, and `relay` (Celery beat every 30 s, or `manage.py relay_outbox`) hands it over later, with
exponential backoff. A job handed over but not done within the lease is handed over again: Redis without
persistence forgets its messages when it restarts. Tasks must therefore be idempotent; `run` helps by skipping
jobs already done and, for tasks declared with `outbox_claim=True`, by running them inside the transaction
that holds their row, so a second delivery waits and then finds the job done.

Without a broker (`make run`, the tests) Celery runs tasks eagerly, and so does the outbox: in-process, after
the commit, exactly as `transaction.on_commit(task.delay)` did.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.celery import app as celery_app

from .models import Job

logger = logging.getLogger(__name__)

RUN_TASK = "outbox.run"


def _name(task):
    return task if isinstance(task, str) else task.name


def _lease():
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def backoff(attempts):
    """How long to wait before the next attempt after `attempts` failed ones: doubling, capped."""
    seconds = settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_BACKOFF_MAX_SECONDS))


def enqueue(task, *args, key=None):
    """Record `task(*args)` to run after the caller's transaction commits; returns the Job.

    With a `key`, there is at most one outstanding job per key: enqueueing again while it is outstanding
    does nothing, and enqueueing once it is done opens it again (a failed report build retried, say).
    """
    name, args = _name(task), list(args)
    now = timezone.now()
    with transaction.atomic():
        if key is None:
            job = Job.objects.create(task=name, args=args, next_attempt_at=now)
        else:
            job, created = Job.objects.select_for_update().get_or_create(
                key=key, defaults={"task": name, "args": args, "next_attempt_at": now}
            )
            if not created:
                if job.done_at is None:
                    return job
                job.task, job.args, job.attempts, job.last_error = name, args, 0, ""
                job.next_attempt_at, job.published_at, job.done_at = now, None, None
                job.save()
    pk = job.pk
    transaction.on_commit(lambda: publish(Job.objects.filter(pk=pk)))
    return job


def _eager():
    return celery_app.conf.task_always_eager


def publish(jobs):
    """Hand jobs to Celery; returns how many it took. A broker that is away leaves them pending, never raises.

    Eagerly (no broker), each job runs here and now, and a failing task raises as Celery's eager mode does.
    """
    jobs = list(jobs)
    if _eager():
        for job in jobs:
            run(job.pk)
        return len(jobs)
    published = 0
    try:
        # A connection of its own, tried once with a short timeout: the default publish retries for
        # about 20 seconds, which a web request waiting on the commit must not do.
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=settings.OUTBOX_PUBLISH_TIMEOUT)
            for job in jobs:
                _task(RUN_TASK).apply_async((job.pk,), connection=connection, retry=False, ignore_result=True)
                Job.objects.filter(pk=job.pk).update(
                    published_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
                )
                published += 1
    except Exception as error:  # whatever stops the hand-over, the job stays pending and the caller carries on
        logger.warning("The broker did not take %d job(s): %s; they stay pending.", len(jobs) - published, error)
        for job in jobs[published:]:
            _failed(job.pk, error)
    return published


def _failed(job_id, error):
    """Record a failed attempt and when to try again."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return
    attempts = job.attempts + 1
    Job.objects.filter(pk=job_id, done_at__isnull=True).update(
        attempts=attempts,
        last_error=f"{error.__class__.__name__}: {error}"[:1000],
        published_at=None,
        next_attempt_at=timezone.now() + backoff(attempts),
    )


def _task(name):
    if name not in celery_app.tasks:
        celery_app.loader.import_default_modules()  # outside a worker, tasks modules load on first use
    return celery_app.tasks[name]


def run(job_id):
    """Run a job's task unless it is done already, then mark it done; returns True when it ran."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.done_at is not None:
        return False
    task = _task(job.task)
    try:
        if getattr(task, "outbox_claim", False):
            with transaction.atomic():
                job = Job.objects.select_for_update().get(pk=job_id)
                if job.done_at is not None:
                    return False  # another delivery of the same job ran it while this one waited
                task(*job.args)
                Job.objects.filter(pk=job_id).update(done_at=timezone.now())
        else:
            task(*job.args)
            Job.objects.filter(pk=job_id).update(done_at=timezone.now())
    except Exception as error:
        _failed(job_id, error)
        raise
    return True


def relay(*, force=False, limit=500):
    """Hand every due job to Celery (see JobQuerySet.due); returns (jobs due, jobs handed over)."""
    with transaction.atomic():
        # Two relays at once (beat and an operator's command) share the work rather than publish twice.
        due = Job.objects.due(now=timezone.now(), lease=_lease(), force=force)
        jobs = list(due.select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")[:limit])
        if not jobs:
            return 0, 0
        return len(jobs), publish(jobs)


def backlog():
    """(number of outstanding jobs, age in seconds of the oldest), for the health check."""
    outstanding = Job.objects.outstanding()
    oldest = outstanding.order_by("created_at").values_list("created_at", flat=True).first()
    age = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    return outstanding.count(), age
