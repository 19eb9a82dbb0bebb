import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app, ping


@pytest.mark.broker
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL,
    reason="CELERY_BROKER_URL is not set: there is no broker to travel through",
)
def test_a_task_travels_through_the_redis_broker_to_a_worker_and_back():
    assert app.conf.task_always_eager is False
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        result = ping.delay()
        assert result.get(timeout=30) == "pong"
    # The answer came back through the result backend, i.e. a worker ran it, not this process.
    assert result.backend.__class__.__name__ == "RedisBackend"
    assert result.status == "SUCCESS"


@pytest.mark.skipif(
    bool(settings.CELERY_BROKER_URL), reason="CELERY_BROKER_URL is set: tasks go through the broker (the test above)"
)
def test_tasks_run_eagerly_without_a_broker():
    assert ping.delay().get() == "pong"
