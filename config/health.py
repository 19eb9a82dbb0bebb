"""GET /healthz: is the database answering, and the broker and the object store when they are configured? And the
outbox's backlog."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from outbox.services import backlog

from .celery import app as celery_app


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def check_object_store():
    """The bucket answers to the site's keys (a HEAD of the bucket: nothing read or written)."""
    default_storage.connection.meta.client.head_bucket(Bucket=default_storage.bucket_name)


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    if settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
        checks["object_store"] = check_object_store
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # any failure is reported, not raised: this page exists to say what is down
            results[name] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" for value in results.values())
    body = {"status": "ok" if healthy else "error", "checks": results}
    if results["database"] == "ok":
        # Work waiting for the broker: informative only, since a backlog drains by itself once it is back.
        pending, oldest_age = backlog()
        body["outbox"] = {"pending": pending, "oldest_age_seconds": oldest_age}
    return JsonResponse(body, status=200 if healthy else 503)
