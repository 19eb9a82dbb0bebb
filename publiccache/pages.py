"""The public's pages, kept in the shared cache for visitors who are not logged in.

Every cached page is filed under the record's current *generation*. Any change to what the public pages are
built from (a save or delete in the catalogue, the reporting record or the reports) moves the generation on, so
the next visitor gets a freshly built page: one counter, no page-by-page invalidation to get wrong, and no page
stale after something is accepted, published or withdrawn. PUBLIC_CACHE_SECONDS bounds the life of a page too,
for the changes no signal sees (a queryset's `update()`, or a change made while the cache was unreachable).

The cache is a speed-up, never a dependency: when it cannot be reached, pages are built as if it were empty.
"""

import hashlib
import logging
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from simple_history.models import HistoricalChanges

log = logging.getLogger(__name__)

GENERATION_KEY = "public-record:generation"
# The apps whose records the public pages, feeds and sitemap show (the negotiations feed and sitemap too).
PUBLIC_RECORD_APPS = ("workprogramme", "difap", "reporting", "reports", "transparency")
# After the cache fails, leave it alone for a while: a save must not wait on a dead cache's timeouts.
RETRY_AFTER_SECONDS = 30
_unreachable_until = 0.0


def _cache_call(method, *args, default=None):
    global _unreachable_until
    if time.monotonic() < _unreachable_until:
        return default
    try:
        return getattr(cache, method)(*args)
    except ValueError:  # incr() of a key the cache no longer holds
        return default
    except Exception:  # the cache's client raises its own errors (redis.ConnectionError, timeouts...)
        log.warning("Public page cache unreachable; building pages without it", exc_info=True)
        _unreachable_until = time.monotonic() + RETRY_AFTER_SECONDS
        return default


def generation():
    value = _cache_call("get", GENERATION_KEY)
    if value is None:
        # Missing (first use, or evicted): start from the clock, so that no page cached under an earlier
        # generation can be met again.
        _cache_call("add", GENERATION_KEY, time.time_ns(), None)
        value = _cache_call("get", GENERATION_KEY)
    return value


def _move_on():
    if _cache_call("incr", GENERATION_KEY) is None:
        _cache_call("set", GENERATION_KEY, time.time_ns(), None)


def forget_cached_pages():
    """Start a new generation now, and try the cache again even if it failed a moment ago."""
    global _unreachable_until
    _unreachable_until = 0.0
    _move_on()


def record_changed(**kwargs):
    """Move the generation on at once, and again when the transaction commits: a visitor between the two may have
    cached what the database showed before the commit."""
    _move_on()
    connection = transaction.get_connection()
    pending = connection.in_atomic_block and any(callback is _move_on for _, callback, _ in connection.run_on_commit)
    if connection.in_atomic_block and not pending:
        transaction.on_commit(_move_on)


def watch_the_public_record():
    for model in apps.get_models():
        if model._meta.app_label in PUBLIC_RECORD_APPS and not issubclass(model, HistoricalChanges):
            uid = f"publiccache:{model._meta.label}"
            post_save.connect(record_changed, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(record_changed, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="publiccache:m2m")


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and instance._meta.app_label in PUBLIC_RECORD_APPS:
        record_changed()


def _key(request):
    path = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"public-page:{generation()}:{path}"


def _cacheable(request):
    # A session or a message cookie may make the page someone's own: build it for them.
    return (
        settings.PUBLIC_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_page(view):
    """Serve `view` to visitors who are not logged in from the cache, while the public record is unchanged."""

    @wraps(view)
    def cached_for_the_public(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        response = _cache_call("get", key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)) and not response.is_rendered:
            response = response.render()  # a TemplateResponse (the sitemap's) is cached as rendered
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A page that holds a CSRF token holds the visitor's own: never hand it to the next one.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            _cache_call("set", key, response, settings.PUBLIC_CACHE_SECONDS)
        return response

    return cached_for_the_public
