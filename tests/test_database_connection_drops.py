"""PostgreSQL drops the site's connection (a restart, a failover, an idle timeout): the next requests recover.

The site runs in a real WSGI server in a thread, with persistent connections (CONN_MAX_AGE > 0), and its
connection's server process is ended with pg_terminate_backend from another connection.
"""

import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import psycopg
import pytest
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections

from tests.committed import NEEDS_POSTGRES

pytestmark = pytest.mark.django_db


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Site:
    """The Django site in one server thread: one request at a time, on one persistent database connection."""

    def __init__(self):
        self.kill_during_next_request = threading.Event()
        app = get_wsgi_application()

        def site(environ, start_response):
            if not self.kill_during_next_request.is_set():
                return app(environ, start_response)
            self.kill_during_next_request.clear()
            with connections["default"].execute_wrapper(self._terminate_before_the_second_query()):
                return app(environ, start_response)

        self.server = make_server("127.0.0.1", 0, site, handler_class=QuietHandler)
        self.thread = threading.Thread(target=self._serve)

    def _serve(self):
        # Persistent connections in this thread only, as in production with CONN_MAX_AGE set.
        connections["default"].settings_dict = {**connections["default"].settings_dict, "CONN_MAX_AGE": 600}
        try:
            self.server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    def _terminate_before_the_second_query(self):
        queries = []

        def terminate(execute, sql, params, many, context):
            queries.append(sql)
            if len(queries) == 2:  # the request is under way: it has read from the database once
                terminate_backend(context["connection"].connection.info.backend_pid)
            return execute(sql, params, many, context)

        return terminate

    def get(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.server.server_port}{path}") as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def terminate_backend(pid):
    """End a server process from a connection of its own, and wait until it is gone (PostgreSQL 14+)."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"], autocommit=True
    ) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", [pid]).fetchone()[0]


def connections_of_the_site():
    """Server processes on the test database other than the test's own connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the test's transaction sees its first snapshot
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


@pytest.fixture
def site(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    # The drill is about the database connection: a page served from the public cache would not touch it.
    settings.PUBLIC_CACHE_SECONDS = 0
    running = Site()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.thread.join()
    running.server.server_close()


def test_persistent_connections_are_checked_before_use():
    # Without the check, the first request after a drop fails with "the connection is closed".
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@NEEDS_POSTGRES
def test_after_the_connection_is_dropped_between_requests_the_next_request_is_served(site):
    assert site.get("/") == 200
    [pid] = connections_of_the_site()  # the site keeps its connection between requests

    terminate_backend(pid)

    assert site.get("/") == 200
    assert site.get("/") == 200
    assert connections_of_the_site() != [pid]


@NEEDS_POSTGRES
def test_after_the_connection_is_dropped_during_a_request_the_next_requests_are_served(site):
    assert site.get("/") == 200
    site.kill_during_next_request.set()

    assert site.get("/") == 500  # that request's work is lost (and rolled back): it cannot answer otherwise

    assert site.get("/") == 200
    assert site.get("/") == 200
