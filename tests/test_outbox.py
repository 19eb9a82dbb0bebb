"""The outbox: work recorded with the change it follows, run after the commit, never lost to a broker outage.

These run without a worker: eagerly (as `make run` and the suite do), or against a broker that is away (a closed
port), which is all it takes to show that a request answers with its real outcome. The drills with a real Redis
stopped and restarted and a real worker are in test_broker_outage.py.
"""

import socket
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from config.celery import app
from outbox.models import Job
from outbox.services import backlog, enqueue, relay, run
from reporting.models import Update
from reporting.services import period_create, period_open, update_create
from reporting.tasks import notify_update_reviewed
from reports.models import ProgressReport
from reports.tasks import build_report, queue_build, requeue_stuck_builds
from workprogramme.models import Initiative

VALUES = {"status": "in_progress", "progress": 40, "narrative": "Gap study drafted; consultations under way."}


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_away():
    """Celery pointed at a broker that is not there, tasks no longer eager: what a Redis outage looks like."""
    previous = app.conf.get("broker_write_url"), app.conf.task_always_eager
    # The write URL, since Celery prefers the CELERY_BROKER_URL environment variable to its broker_url setting.
    app.conf.broker_write_url, app.conf.task_always_eager = f"redis://127.0.0.1:{_closed_port()}/0", False
    yield
    app.conf.broker_write_url, app.conf.task_always_eager = previous


@pytest.fixture
def submitted(secretariat, telsom):
    period = period_open(
        user=secretariat, period=period_create(user=secretariat, year=2026, half=2, deadline=date(2027, 1, 31))
    )
    Job.objects.update(done_at=timezone.now())  # the period's opening was announced long ago
    return update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-1.1"),
        body=telsom.body,
        values=VALUES,
        submit=True,
    )


def test_work_enqueued_in_a_transaction_that_rolls_back_never_exists(submitted, mailoutbox):
    before = Job.objects.count()

    def change_that_fails():
        with transaction.atomic():
            enqueue(notify_update_reviewed, submitted.pk)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert Job.objects.count() == before
    assert mailoutbox == []


def test_without_a_broker_the_work_runs_in_process_after_the_commit_and_is_marked_done(
    submitted, reviewer, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reporting/updates/{submitted.pk}/accept/", {"version": submitted.version})

    assert response.status_code == 302
    [message] = mailoutbox
    assert message.subject.startswith("[ASEAN Tracker] Accepted: TELSOM's update on AWPEC-1.1")
    job = Job.objects.get(task="reporting.notify_update_reviewed", args=[submitted.pk])
    assert job.done_at is not None


def test_accepting_while_the_broker_is_away_answers_at_once_and_the_email_waits_in_the_outbox(
    submitted, reviewer, client, mailoutbox, broker_away, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reporting/updates/{submitted.pk}/accept/", {"version": submitted.version})

    assert response.status_code == 302  # before the outbox: 500 after 19 s, with the acceptance committed
    assert Update.objects.get(pk=submitted.pk).state == Update.State.ACCEPTED
    assert mailoutbox == []
    job = Job.objects.get(task="reporting.notify_update_reviewed", args=[submitted.pk])
    assert job.published_at is None and job.done_at is None
    assert job.attempts == 1 and "OperationalError" in job.last_error
    assert job.next_attempt_at > timezone.now()

    # The broker is back (here: eager again); the relay hands the waiting email over, once.
    app.conf.task_always_eager = True
    assert relay() == (0, 0)  # still in its backoff
    assert relay(force=True) == (1, 1)
    assert len(mailoutbox) == 1
    assert relay(force=True) == (0, 0)
    assert len(mailoutbox) == 1


def test_issuing_a_report_while_the_broker_is_away_answers_at_once_and_the_build_waits(
    reviewer, client, broker_away, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/", {"period": "2019-H2", "title": "Issued in an outage", "executive_summary": ""}
        )

    report = ProgressReport.objects.get(title="Issued in an outage")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.state == ProgressReport.State.BUILDING
    job = Job.objects.get(key=f"reports.build_report:{report.pk}")
    assert job.done_at is None and job.last_error

    app.conf.task_always_eager = True
    call_command("relay_outbox", "--now")
    report.refresh_from_db()
    assert report.state == ProgressReport.State.READY


def test_a_job_delivered_twice_sends_its_email_once(
    submitted, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    from reporting.services import update_accept

    with django_capture_on_commit_callbacks(execute=True):
        update_accept(user=reviewer, update=submitted)
    job = Job.objects.get(task="reporting.notify_update_reviewed", args=[submitted.pk])

    assert run(job.pk) is False
    assert len(mailoutbox) == 1


def test_a_message_lost_by_the_broker_is_handed_over_again_after_the_lease(
    reviewer, django_capture_on_commit_callbacks
):
    report = _report(reviewer)
    job = queue_build(report.pk)
    # Taken by the broker, then lost (Redis restarted without persistence): published, never done.
    Job.objects.filter(pk=job.pk).update(published_at=timezone.now() - timedelta(minutes=11), attempts=1)

    assert relay() == (1, 1)
    report.refresh_from_db()
    assert report.state == ProgressReport.State.READY
    assert Job.objects.get(pk=job.pk).done_at is not None


@override_settings(OUTBOX_LEASE_SECONDS=0)
def test_a_report_left_building_with_no_outstanding_job_is_queued_again_by_the_sweep(reviewer):
    report = _report(reviewer)  # issued before the outbox existed: nothing would ever build it

    assert requeue_stuck_builds() == [report.pk]
    with_job = Job.objects.get(key=f"reports.build_report:{report.pk}")
    run(with_job.pk)
    report.refresh_from_db()
    assert report.state == ProgressReport.State.READY
    assert requeue_stuck_builds() == []


def test_enqueueing_with_a_key_keeps_one_outstanding_job_and_reopens_a_done_one(reviewer):
    report = _report(reviewer)
    first = enqueue(build_report, report.pk, key="build-once")
    assert enqueue(build_report, report.pk, key="build-once").pk == first.pk
    assert Job.objects.filter(key="build-once").count() == 1

    Job.objects.filter(pk=first.pk).update(done_at=timezone.now(), published_at=timezone.now())
    again = enqueue(build_report, report.pk, key="build-once")
    assert again.pk == first.pk and again.done_at is None and again.published_at is None


def test_failed_attempts_back_off_exponentially_up_to_a_cap(submitted, broker_away):
    job = enqueue(notify_update_reviewed, submitted.pk)
    waits = []
    for _ in range(8):
        relay(force=True)
        job.refresh_from_db()
        waits.append(round((job.next_attempt_at - timezone.now()).total_seconds()))
    assert waits[:4] == [15, 30, 60, 120]
    assert waits[-1] == 600 and job.attempts == 8


def test_the_health_check_reports_the_backlog_without_failing_on_it(client, submitted):
    Job.objects.all().delete()
    enqueue(notify_update_reviewed, submitted.pk)
    Job.objects.update(created_at=timezone.now() - timedelta(minutes=5))

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["outbox"]["pending"] == 1
    assert 299 <= response.json()["outbox"]["oldest_age_seconds"] <= 360
    assert backlog()[0] == 1


def _report(user):
    from reporting.models import Period
    from workprogramme.models import Programme

    return ProgressReport.objects.create(
        programme=Programme.objects.get(code="DIFAP"),
        period=Period.objects.get(year=2019, half=2),
        version=99,
        title="Stuck",
        issued_by=user,
        issued_at=timezone.now() - timedelta(hours=1),
    )
