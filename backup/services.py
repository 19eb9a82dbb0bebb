"""Backing up and restoring the database and the stored files together, as one timestamped folder.

PostgreSQL is dumped with pg_dump in its custom format and restored with pg_restore; an SQLite file is copied
with SQLite's online backup API. The stored files (evidence, built reports) are read through the site's storage
(MEDIA_ROOT on local disk, or the object store's bucket) into a tar beside it, and a manifest records what each
part holds and its SHA-256, so that a damaged backup is refused, not restored.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import environ
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage

MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_TAR = "media.tar.gz"
POSTGRES = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


def database_settings(database_url=None):
    """The Django settings of the database to back up or restore into: DATABASE_URL's, unless another is named."""
    return environ.Env.db_url_config(database_url) if database_url else settings.DATABASES["default"]


def _pg_environment(db):
    """libpq's variables, so that the password never appears on a command line."""
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run(command, db):
    result = subprocess.run(command, env=_pg_environment(db), capture_output=True, text=True)
    if result.returncode != 0:
        raise ValidationError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stored_files(media_root=None):
    """The storage holding the files: a folder when one is named, otherwise the site's own (disk or object store)."""
    return FileSystemStorage(location=media_root) if media_root else default_storage


def _stored_names(storage, folder=""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a MEDIA_ROOT that nothing was stored in yet
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += _stored_names(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def _archive_stored_files(archive, storage):
    """Each file read through the storage API: the same code backs up a local folder and a bucket."""
    for name in _stored_names(storage):
        with storage.open(name, "rb") as stored:
            member = tarfile.TarInfo(name)
            member.size = storage.size(name)
            member.mode = 0o644
            archive.addfile(member, stored)


def _restore_stored_files(archive, storage):
    """A file in the backup replaces the stored file of the same name; files stored since the backup stay."""
    for member in archive.getmembers():
        name = member.name.removeprefix("./")
        if not member.isfile():
            continue  # folders, and never links or devices
        if name.startswith("/") or ".." in Path(name).parts:
            raise ValidationError(f"The backup holds a file outside the stored files: {member.name}.")
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, File(archive.extractfile(member), name=name))
        if saved != name:
            raise ValidationError(f"{name} could not be restored under its own name (the storage chose {saved}).")


def backup_create(*, destination, database_url=None, media_root=None, now=None):
    """Write the database and the stored files into a new folder under `destination`; return the folder."""
    db = database_settings(database_url)
    folder = Path(destination) / (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=False)
    if db["ENGINE"] == POSTGRES:
        database_file = folder / POSTGRES_DUMP
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={database_file}"], db)
    elif db["ENGINE"] == SQLITE:
        database_file = folder / SQLITE_COPY
        # The online backup API copies a consistent snapshot even while the site is writing.
        with closing(sqlite3.connect(db["NAME"])) as source, closing(sqlite3.connect(database_file)) as copy:
            source.backup(copy)
    else:
        raise ValidationError(f"Backups support PostgreSQL and SQLite, not {db['ENGINE']}.")
    with tarfile.open(folder / MEDIA_TAR, "w:gz") as archive:
        _archive_stored_files(archive, stored_files(media_root))
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "engine": db["ENGINE"],
        "database": db["NAME"] if db["ENGINE"] == POSTGRES else Path(db["NAME"]).name,
        "files": {path.name: _sha256(path) for path in (database_file, folder / MEDIA_TAR)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def backup_check(folder):
    """The manifest of a complete, undamaged backup folder; ValidationError saying what is wrong otherwise."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise ValidationError(f"{folder} is not a backup folder: its {MANIFEST} cannot be read ({error}).") from None
    for name, digest in manifest["files"].items():
        if not (folder / name).is_file():
            raise ValidationError(f"The backup is incomplete: {name} is missing from {folder}.")
        if _sha256(folder / name) != digest:
            raise ValidationError(f"The backup is damaged: {name} does not match its SHA-256 in the manifest.")
    return manifest


def backup_restore(*, folder, database_url=None, media_root=None):
    """Replace the database's contents and add the stored files from a backup folder (checked first)."""
    folder = Path(folder)
    manifest = backup_check(folder)
    db = database_settings(database_url)
    if manifest["engine"] != db["ENGINE"]:
        raise ValidationError(f"This backup is of a {manifest['engine']} database; the target is {db['ENGINE']}.")
    if db["ENGINE"] == POSTGRES:
        # One transaction: the database ends up as in the backup, or unchanged if anything fails.
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={db['NAME']}",
                str(folder / POSTGRES_DUMP),
            ],
            db,
        )
    else:
        with closing(sqlite3.connect(folder / SQLITE_COPY)) as source, closing(sqlite3.connect(db["NAME"])) as target:
            source.backup(target)
    with tarfile.open(folder / MEDIA_TAR, "r:gz") as archive:
        _restore_stored_files(archive, stored_files(media_root))
    return manifest
