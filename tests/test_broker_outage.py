"""Fault drill: Redis stopped while a report is issued and updates are accepted, then started again, empty.

Everything here is real and separate from the test process: a redis-server of the drill's own (no persistence, as
in production: a restart loses every message), the site served by runserver, a Celery worker, and a copy of the
test database, all in subprocesses. The drill talks to the site over HTTP with API tokens, as a body's system would.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server")
PG_TOOLS = all(shutil.which(tool) for tool in ("pg_dump", "pg_restore"))
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.broker,
    pytest.mark.django_db,
    pytest.mark.skipif(not REDIS_SERVER, reason="redis-server is not installed: no broker to stop and restart"),
    pytest.mark.skipif(not ON_POSTGRESQL, reason="the fault drill copies the PostgreSQL test database"),
    pytest.mark.skipif(
        not PG_TOOLS, reason="pg_dump and pg_restore are not installed (apt-get install postgresql-client)"
    ),
]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, what, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _parsed(body):
    try:
        return json.loads(body or b"null")
    except ValueError:
        return body.decode(errors="replace")


class Redis:
    """A redis-server of the drill's own, on a free port, without persistence."""

    def __init__(self, directory):
        self.port, self.directory, self.process = _free_port(), directory, None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self.answers, "redis-server to start", 30)

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Site:
    """The tracker on a copy of the test database: a web server, and a Celery worker started on demand."""

    def __init__(self, tmp_path, redis):
        db = connection.settings_dict
        self.server_url = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.name = f"{db['NAME']}_outage"
        self.database_url = f"{self.server_url}/{self.name}"
        self.mail = tmp_path / "mail"
        self.mail.mkdir()
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "SECRET_KEY": "outage-drill",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis.port}/0",
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": f"filemail:///{self.mail}",  # four slashes: an absolute path
            "MEDIA_ROOT": str(tmp_path / "media"),
            "OUTBOX_LEASE_SECONDS": "5",
        }
        self.processes = []

    def copy_database(self, source):
        with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.name}"')
        dump = subprocess.run(
            ["pg_dump", "--format=custom", f"{self.server_url}/{source}"], capture_output=True, check=True
        )
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={self.database_url}"], input=dump.stdout, check=True)

    def drop_database(self):
        with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def manage(self, *command):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def serve(self):
        self.port = _free_port()
        self._start([sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"])
        _wait_for(lambda: self.get("/healthz")[0] in (200, 503), "the site to start")

    def start_worker(self):
        self._start([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-heartbeat"])

    def _start(self, command):
        log = (self.mail.parent / f"{Path(command[2] if command[1] == '-m' else command[1]).name}.log").open("ab")
        self.processes.append(subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log))

    def stop(self):
        for process in self.processes:
            process.terminate()
            process.wait(timeout=20)

    def call(self, method, path, token=None, payload=None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(payload).encode() if payload is not None else None,
            headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, _parsed(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _parsed(error.read())

    def get(self, path):
        try:
            return self.call("GET", path)
        except OSError:
            return None, None

    def query(self, sql):
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql).fetchall()

    def sent_subjects(self):
        subjects = []
        for message in self.mail.iterdir():
            subjects += [line[9:] for line in message.read_text().splitlines() if line.startswith("Subject: ")]
        return sorted(subjects)


@pytest.fixture
def drill(tmp_path):
    redis = Redis(tmp_path)
    redis.start()
    site = Site(tmp_path, redis)
    site.copy_database(connection.settings_dict["NAME"])
    site.manage("migrate", "--noinput")  # the test database was made by migrations; this only checks it is current
    site.serve()
    yield site, redis
    site.stop()
    redis.stop()
    site.drop_database()


def test_nothing_committed_is_lost_while_the_broker_is_away(drill):
    site, redis = drill
    telsom, reviewer = (site.manage("issue_token", name).strip().splitlines()[-1] for name in ("telsom", "accec"))

    # A period open for filing, and two of TELSOM's updates awaiting review, all while the broker is up.
    site.manage("shell", "-c", OPEN_PERIOD)  # periods are opened in the browser; here as the Secretariat would
    lines = site.query("SELECT id FROM workprogramme_initiative WHERE code IN ('AWPEC-1.1', 'AWPEC-1.2') ORDER BY code")
    filed = [
        site.call(
            "POST",
            "/api/v1/updates/",
            telsom,
            {
                "period": "2026-H2",
                "initiative": line_id,
                "status": "in_progress",
                "progress": 30,
                "narrative": "Consultations under way.",
                "submit": True,
            },
        )
        for (line_id,) in lines
    ]
    assert [code for code, _ in filed] == [201, 201], filed

    redis.stop()
    # Every request answers with its real outcome, at once, and pages keep serving.
    accepted = [site.call("POST", f"/api/v1/updates/{update['id']}/accept/", reviewer, {}) for _, update in filed]
    assert [code for code, _ in accepted] == [200, 200], accepted
    status, report = site.call("POST", "/api/v1/reports/", reviewer, {"period": "2026-H2", "title": "Drill report"})
    assert status == 202, report
    assert site.get("/")[0] == 200
    assert site.get("/healthz")[0] == 503  # and the health check says the broker is down
    states = site.query("SELECT state FROM reporting_update WHERE narrative = 'Consultations under way.'")
    assert states == [("accepted",), ("accepted",)]  # committed, whatever the broker
    assert not any("accepted" in subject.lower() for subject in site.sent_subjects())
    assert site.query(f"SELECT state FROM reports_progressreport WHERE id = {report['id']}") == [("building",)]

    # The broker comes back empty; the relay hands the recorded work to a real worker.
    redis.start()
    site.start_worker()
    site.manage("relay_outbox", "--now")
    _wait_for(
        lambda: site.query(f"SELECT state FROM reports_progressreport WHERE id = {report['id']}") == [("ready",)],
        "the report build to finish",
    )
    _wait_for(lambda: not site.query("SELECT id FROM outbox_job WHERE done_at IS NULL"), "every job to be done")
    after_first_relay = site.sent_subjects()
    site.manage("relay_outbox", "--now")  # relaying again, and a lost message republished, send nothing twice
    time.sleep(2)

    assert site.sent_subjects() == after_first_relay
    accepted_mails = [subject for subject in after_first_relay if "accepted" in subject.lower()]
    assert len(accepted_mails) == 2, after_first_relay


OPEN_PERIOD = """
from accounts.models import User
from reporting.services import period_create, period_open
user = User.objects.get(username="secretariat")
period_open(user=user, period=period_create(user=user, year=2026, half=2))
"""
