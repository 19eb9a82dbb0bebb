"""Two machines' worth of the site: two web processes and two Celery workers, each in a local folder of its own,
sharing only what a deployment shares (PostgreSQL, Redis and the object store). A body files an update with a file
and ACCEC builds a report through the first node; the second serves the file, the report and the session.

Everything is real and in subprocesses: a copy of the test database, a redis-server of the test's own, the session's
SeaweedFS (tests/objectstore.py), runserver and Celery workers, talked to over HTTP.
"""

import hashlib
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django.db import connection

from .conftest import TEST_BUCKET
from .test_broker_outage import OPEN_PERIOD, PG_TOOLS, REDIS_SERVER, Redis, _free_port, _wait_for

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n% two nodes\n"
MAGIC = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04", "csv": b"\xef\xbb\xbf"}

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REDIS_SERVER, reason="redis-server is not installed: the nodes need a Redis to share"),
    pytest.mark.skipif(not ON_POSTGRESQL, reason="the two nodes share a copy of the PostgreSQL test database"),
    pytest.mark.skipif(
        not PG_TOOLS, reason="pg_dump and pg_restore are not installed (apt-get install postgresql-client)"
    ),
]


class Cluster:
    """What the nodes share: a copy of the test database, one Redis, one bucket (under a prefix of this test's)."""

    def __init__(self, tmp_path, redis, object_store):
        db = connection.settings_dict
        self.server_url = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.name = f"{db['NAME']}_two_nodes"
        self.database_url = f"{self.server_url}/{self.name}"
        self.prefix = f"two-nodes-{uuid.uuid4().hex}"
        self.object_store = object_store
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DEBUG": "1",
            "SECRET_KEY": "two-nodes",  # one key for every node, as a deployment sets: a session signed by one
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis.port}/0",
            "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{redis.port}/0",
            "CACHE_URL": f"redis://127.0.0.1:{redis.port}/1",
            "EMAIL_URL": "consolemail://",
            **object_store.storage_options(TEST_BUCKET, prefix=self.prefix),
        }

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

    def stored_objects(self):
        """Every object under this test's prefix, with the SHA-256 of its content, read straight from the bucket."""
        client, found = self.object_store.client(), {}
        listing = client.list_objects_v2(Bucket=TEST_BUCKET, Prefix=f"{self.prefix}/")
        for item in listing.get("Contents", []):
            body = client.get_object(Bucket=TEST_BUCKET, Key=item["Key"])["Body"].read()
            found[item["Key"].removeprefix(f"{self.prefix}/")] = hashlib.sha256(body).hexdigest()
        return found


class Node:
    """One machine: a web process and a Celery worker, working in (and with MEDIA_ROOT in) a folder of its own."""

    def __init__(self, cluster, directory):
        self.directory = directory
        self.media = directory / "media"
        self.directory.mkdir()
        self.env = {**cluster.env, "MEDIA_ROOT": str(self.media)}
        self.processes = []

    def start(self):
        self.port = _free_port()
        manage = str(ROOT / "manage.py")
        self._start("web", [sys.executable, manage, "runserver", f"127.0.0.1:{self.port}", "--noreload"])
        worker = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-heartbeat"]
        self._start(
            "worker", [*worker, "--hostname", f"{self.directory.name}@%h", "--without-gossip", "--without-mingle"]
        )
        _wait_for(self.answers, f"{self.directory.name}'s web process to start")

    def _start(self, name, command):
        log = (self.directory / f"{name}.log").open("ab")
        self.processes.append(
            subprocess.Popen(command, cwd=self.directory, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        )

    def answers(self):
        try:
            return requests.get(self.url("/healthz"), timeout=5).status_code in (200, 503)
        except requests.ConnectionError:
            return False

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def manage(self, *command):
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *command],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def api(self, token):
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        session.base = self.url("/api/v1")
        return session

    def log_in(self, username):
        """A browser's session, through the login form (the session lives in the database, not in this node)."""
        browser = requests.Session()
        page = browser.get(self.url("/accounts/login/"), timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = browser.post(
            self.url("/accounts/login/"),
            data={"username": username, "password": "asean-demo-2026", "csrfmiddlewaretoken": token},
            headers={"Referer": self.url("/accounts/login/")},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[-2000:]
        return browser

    def local_files(self):
        return sorted(str(p.relative_to(self.directory)) for p in self.media.rglob("*") if p.is_file())

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def logs(self):
        return "\n".join(p.read_text(errors="replace")[-1500:] for p in sorted(self.directory.glob("*.log")))


@pytest.fixture
def two_nodes(tmp_path, object_store):
    redis = Redis(tmp_path)
    redis.start()
    cluster = Cluster(tmp_path, redis, object_store)
    cluster.copy_database(connection.settings_dict["NAME"])
    nodes = [Node(cluster, tmp_path / "node1"), Node(cluster, tmp_path / "node2")]
    try:
        for node in nodes:
            node.start()
        yield cluster, nodes
    finally:
        for node in nodes:
            node.stop()
        redis.stop()
        cluster.drop_database()


def test_what_one_node_files_and_builds_the_other_serves(two_nodes):
    cluster, (first, second) = two_nodes
    telsom_token, accec_token = (
        first.manage("issue_token", name).strip().splitlines()[-1] for name in ("telsom", "accec")
    )
    first.manage("shell", "-c", OPEN_PERIOD)

    # Through the first node: TELSOM files an update with a PDF, ACCEC accepts it and issues the period's report.
    telsom, accec = first.api(telsom_token), first.api(accec_token)
    [line_id] = cluster_query(cluster, "SELECT id FROM workprogramme_initiative WHERE code = 'AWPEC-1.1'")
    filed = telsom.post(
        f"{telsom.base}/updates/",
        json={
            "period": "2026-H2",
            "initiative": line_id,
            "status": "in_progress",
            "progress": 30,
            "narrative": "Filed through the first node.",
            "submit": True,
        },
        timeout=30,
    )
    assert filed.status_code == 201, filed.text
    update = filed.json()
    evidence = telsom.post(
        f"{telsom.base}/updates/{update['id']}/evidence/",
        files={"file": ("minutes.pdf", PDF, "application/pdf")},
        data={"title": "Minutes of the first node"},
        timeout=30,
    )
    assert evidence.status_code == 201, evidence.text
    accepted = accec.post(f"{accec.base}/updates/{update['id']}/accept/", json={}, timeout=30)
    assert accepted.status_code == 200, accepted.text
    issued = accec.post(f"{accec.base}/reports/", json={"period": "2026-H2", "title": "Two-node report"}, timeout=30)
    assert issued.status_code == 202, issued.text
    report_id = issued.json()["id"]

    # Through the second node: the report, built by whichever worker took it from the queue.
    reader = second.api(accec_token)

    def built():
        state = reader.get(f"{reader.base}/reports/{report_id}/", timeout=30).json()["state"]
        assert state != "failed", first.logs() + second.logs()
        return state == "ready"

    _wait_for(built, "a worker to build the report", seconds=180)
    stored = cluster.stored_objects()
    # Each web process serves every file, so the test fails whichever worker built it, were it kept on its disk.
    for node in (second, first):
        api = node.api(accec_token)
        for format, magic in MAGIC.items():
            download = api.get(f"{api.base}/reports/{report_id}/export/", params={"format": format}, timeout=60)
            assert download.status_code == 200, download.text
            assert download.content.startswith(magic), format
            assert download.headers["X-Content-Type-Options"] == "nosniff"
            assert download.headers["Content-Disposition"].startswith("attachment;")
            assert hashlib.sha256(download.content).hexdigest() in stored.values(), f"{format} is not the stored file"
            if format == "csv":
                assert "Filed through the first node." in download.content.decode("utf-8-sig")

    # A browser session opened on the first node downloads the evidence from the second.
    browser = first.log_in("telsom")
    download = browser.get(second.url(f"/reporting/evidence/{evidence.json()['id']}/download/"), timeout=30)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    digest = hashlib.sha256(PDF).hexdigest()
    assert stored[f"evidence/{digest[:2]}/{digest}"] == digest

    # Nothing was kept on either machine's disk: every file is in the object store.
    assert first.local_files() == [] and second.local_files() == []
    assert sorted(name.split("/")[0] for name in stored) == ["evidence", "reports", "reports", "reports", "reports"]


def cluster_query(cluster, sql):
    with psycopg.connect(cluster.database_url) as conn:
        return [row[0] for row in conn.execute(sql).fetchall()]
