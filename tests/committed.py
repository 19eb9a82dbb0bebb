"""Committed work for drills with real threads: each thread has its own PostgreSQL connection and sees only what is
committed, so the usual test transaction (rolled back at the end) cannot hold their data.

`committed` gives a test the session's catalogue and demo people as they are, lets threads commit new rows, and
deletes every row added during the test afterwards. Drills must only add rows, never change existing ones (file an
update with the line's own status, so that accepting it leaves the catalogue as it was).
"""

import threading

import pytest
from django.apps import apps
from django.db import connection, connections, transaction

POSTGRES = connection.vendor == "postgresql"
NEEDS_POSTGRES = pytest.mark.skipif(
    not POSTGRES,
    reason="drills with parallel connections need PostgreSQL (set DATABASE_URL=postgres://...); SQLite locks the file",
)


def in_own_connection(work, *args, **kwargs):
    """Run `work` in a thread of its own, committed as soon as it returns, as another request would be."""
    return race(1, lambda _: work(*args, **kwargs), raise_errors=True)[0]


def race(n, work, *, raise_errors=False):
    """Run work(0) ... work(n - 1) in n threads released together; their results (or exceptions), in order."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:  # reported to the test, which asserts on each outcome
            results[i] = error
        finally:
            connections.close_all()  # each thread's own connection, or PostgreSQL keeps it open

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if raise_errors:
        for result in results:
            if isinstance(result, BaseException):
                raise result
    return results


def _tables_with_counters():
    for model in apps.get_models(include_auto_created=True):
        pk = model._meta.pk
        if model._meta.managed and pk.get_internal_type() in ("AutoField", "BigAutoField"):
            yield model._meta.db_table, pk.column


def _high_marks():
    with connection.cursor() as cursor:
        marks = {}
        for table, column in _tables_with_counters():
            cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"')
            marks[(table, column)] = cursor.fetchone()[0]
        return marks


def _delete_above(marks):
    # PostgreSQL checks Django's foreign keys at commit (DEFERRABLE INITIALLY DEFERRED): order does not matter.
    with transaction.atomic(), connection.cursor() as cursor:
        for (table, column), mark in marks.items():
            cursor.execute(f'DELETE FROM "{table}" WHERE "{column}" > %s', [mark])


@pytest.fixture
def committed(db):
    marks = in_own_connection(_high_marks)
    yield
    in_own_connection(_delete_above, marks)
