"""The restore drill: back up a database with real data and a stored evidence file, restore it into a scratch
database and a scratch media folder, and find every table and every file exactly as it was."""

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
PG_TOOLS = all(shutil.which(tool) for tool in ("pg_dump", "pg_restore"))

# Run in the source database as the site would: TELSOM files an update with a stored file and awkward text.
FILE_AN_UPDATE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from accounts.models import User
from reporting import services
from workprogramme.models import Initiative
secretariat, telsom = User.objects.get(username="secretariat"), User.objects.get(username="telsom")
period = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))
update = services.update_create(user=telsom, period=period, initiative=Initiative.objects.get(code="AWPEC-1.1"),
    body=telsom.body, values={"status": "in_progress", "progress": 30,
    "narrative": 'Kuala Lumpur "roaming" study; 东盟; =SUM(A1) & <b>bold</b>'})
services.evidence_add_file(user=telsom, update=update, title="Chart",
    upload=SimpleUploadedFile("chart.png", PNG))
"""
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def manage(*args, **env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # No broker: the period's emails go out in-process instead of waiting in a queue no worker here reads.
        env={**os.environ, "DEBUG": "1", "SECRET_KEY": "backup-drill", "CELERY_BROKER_URL": "", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def file_digests(root):
    files = (p for p in Path(root).rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def table_checksums(url):
    """Every table's row count and the MD5 of all its rows in primary-key order."""
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        result = {}
        for table in tables:
            key = conn.execute(
                "SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey, a.attnum)) "
                "FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = %s::regclass AND i.indisprimary",
                [f'public."{table}"'],
            ).fetchone()[0]
            rows = f"string_agg(t::text, E'\\n' ORDER BY {key or 't::text'})"
            query = f"SELECT count(*), md5(coalesce({rows}, '')) FROM public.\"{table}\" t"
            result[table] = conn.execute(query).fetchone()
        return result


@pytest.fixture
def scratch_databases(django_db_setup):
    """A copy of the test database (catalogue, baseline, demo people) to back up, and an empty database to restore
    into; both dropped afterwards. The copy is made with the PostgreSQL tools directly, not with the code under test."""
    import psycopg

    name = connections["default"].settings_dict["NAME"]
    base = urlparse(os.environ["DATABASE_URL"])
    admin = base._replace(path="/postgres").geturl()
    source, scratch = f"{name}_drill_source", f"{name}_drill_scratch"
    with psycopg.connect(admin, autocommit=True) as conn:
        for db in (source, scratch):
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
    dump = subprocess.run(
        ["pg_dump", "--format=custom", base._replace(path=f"/{name}").geturl()], capture_output=True, check=True
    )
    subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={base._replace(path=f'/{source}').geturl()}"],
        input=dump.stdout,
        capture_output=True,
        check=True,
    )
    yield base._replace(path=f"/{source}").geturl(), base._replace(path=f"/{scratch}").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        for db in (source, scratch):
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


# Marked django_db so that pytest-django runs it before the transactional tests, whose teardown empties the test
# database that this drill copies (demo people and catalogue included).
@pytest.mark.django_db
@pytest.mark.skipif(not ON_POSTGRESQL, reason="the restore drill needs PostgreSQL (DATABASE_URL=postgres://...)")
@pytest.mark.skipif(not PG_TOOLS, reason="pg_dump and pg_restore are not installed (apt-get install postgresql-client)")
def test_a_backup_restores_every_table_and_every_stored_file(scratch_databases, tmp_path):
    source, scratch = scratch_databases
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    code = f"PNG = {PNG!r}\n{FILE_AN_UPDATE}"
    manage("shell", "-v", "0", "-c", code, DATABASE_URL=source, MEDIA_ROOT=str(media))
    assert len(file_digests(media)) == 1  # the evidence file, stored under its SHA-256

    folder = manage("backup", "--to", str(tmp_path / "backups"), DATABASE_URL=source, MEDIA_ROOT=str(media))
    folder = Path(folder.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == ["database.dump", "manifest.json", "media.tar.gz"]

    out = manage("restore", str(folder), "--confirm", "--database-url", scratch, "--media-root", str(restored_media))
    assert "Restored" in out

    before, after = table_checksums(source), table_checksums(scratch)
    assert before["reporting_update"][0] > 0 and before["reporting_evidence"][0] == 1
    assert after == before
    assert file_digests(restored_media) == file_digests(media)


def test_restore_refuses_without_confirmation(tmp_path):
    database = tmp_path / "site.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (id integer primary key, v text)")
    folder = call_backup(tmp_path, database)
    with pytest.raises(CommandError, match="--confirm"):
        call_command("restore", str(folder), "--database-url", f"sqlite:///{database}")


def test_restore_refuses_a_damaged_backup(tmp_path):
    database = tmp_path / "site.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (id integer primary key, v text)")
    folder = call_backup(tmp_path, database)
    with open(folder / "media.tar.gz", "ab") as tar:
        tar.write(b"garbage")
    with pytest.raises(CommandError, match="damaged: media.tar.gz"):
        call_command("restore", str(folder), "--confirm", "--database-url", f"sqlite:///{database}")


def test_an_sqlite_site_backs_up_and_restores_with_its_files(tmp_path):
    database, media = tmp_path / "site.sqlite3", tmp_path / "media"
    (media / "evidence" / "ab").mkdir(parents=True)
    (media / "evidence" / "ab" / "abcdef").write_bytes(PNG)
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE update_ (id integer primary key, narrative text)")
        conn.execute("INSERT INTO update_ (narrative) VALUES (?)", ['"Roaming" study; 东盟'])
    folder = call_backup(tmp_path, database, media)

    with sqlite3.connect(database) as conn:
        conn.execute("DELETE FROM update_")  # the loss the backup is for
    restored = tmp_path / "restored-media"
    call_command("restore", folder, "--confirm", "--database-url", f"sqlite:///{database}", "--media-root", restored)
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT narrative FROM update_").fetchall() == [('"Roaming" study; 东盟',)]
    assert file_digests(restored) == file_digests(media)


def test_the_sites_stored_files_are_backed_up_and_restored_through_its_storage(file_storage, tmp_path):
    """Without --media-root, backup and restore read and write the site's storage, local disk or object store."""
    database = tmp_path / "site.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (id integer primary key)")
    evidence, report = "evidence/ab/abcdef", "reports/2026-H2/DIFAP-progress-report-2026-H2-v1.pdf"
    default_storage.save(evidence, ContentFile(PNG))
    default_storage.save(report, ContentFile(b"%PDF-1.4 report"))
    site = f"sqlite:///{database}"
    call_command("backup", "--to", str(tmp_path / "backups"), "--database-url", site, stdout=io.StringIO())
    [folder] = (tmp_path / "backups").iterdir()

    default_storage.delete(evidence)  # lost
    default_storage.delete(report)
    default_storage.save(report, ContentFile(b"overwritten"))  # damaged
    default_storage.save("evidence/cd/stored-since", ContentFile(PNG))  # stored after the backup
    call_command("restore", str(folder), "--confirm", "--database-url", site, stdout=io.StringIO())

    assert file_storage.names() == ["evidence/ab/abcdef", "evidence/cd/stored-since", report]
    for name, content in ((evidence, PNG), (report, b"%PDF-1.4 report")):
        with default_storage.open(name) as restored:
            assert restored.read() == content


def call_backup(tmp_path, database, media=None):
    call_command(
        "backup",
        "--to",
        str(tmp_path / "backups"),
        "--database-url",
        f"sqlite:///{database}",
        "--media-root",
        str(media or tmp_path / "no-media"),
        stdout=io.StringIO(),
    )
    [folder] = (tmp_path / "backups").iterdir()
    return folder
