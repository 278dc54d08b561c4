"""Backup and restore of the whole site: the database and the uploaded files.

Kept tools, not our own dump format: PostgreSQL is dumped with `pg_dump --format=custom` and put
back with `pg_restore --clean --if-exists` (the tools match the server's major version in the
image); SQLite is copied with its online backup API (a consistent copy while the site runs); uploads
(public media and the private import uploads, when they are on the local disk) go into one tar file.
Files on S3-compatible storage are not copied: the bucket's own versioning is their backup (see
docs/operations.md).

A backup is a folder: `database.pgdump` or `database.sqlite3`, `media.tar.gz`, and `backup.json`
saying what is in it.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, connections

MANIFEST = "backup.json"
MEDIA_ARCHIVE = "media.tar.gz"


class BackupError(RuntimeError):
    pass


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (it comes with the PostgreSQL client tools)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _file_storages() -> dict[str, Path]:
    """The storages whose files live on this machine's disk, by name."""
    found = {}
    for name in ("default", "private"):
        if name in settings.STORAGES:
            storage = storages[name]
            if isinstance(storage, FileSystemStorage):
                found[name] = Path(storage.location)
    return found


def backup(*, target: Path) -> Path:
    """Writes a backup folder under `target` (made if missing); returns the folder."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(target) / f"backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    vendor = connection.vendor
    if vendor == "postgresql":
        args, env = _pg_env()
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / "database.pgdump"), *args],
            env,
        )
    elif vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"no backup method for {vendor}")
    media = _file_storages()
    with tarfile.open(folder / MEDIA_ARCHIVE, "w:gz") as tar:
        for name, location in media.items():
            if location.exists():
                tar.add(location, arcname=name)
    manifest = {"made_at": stamp, "database": vendor, "storages": sorted(media)}
    (folder / MEDIA_ARCHIVE).chmod(0o600)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return folder


def restore(*, source: Path) -> dict:
    """Puts a backup folder back: the database is replaced, uploaded files are put back in place."""
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(f"this backup is of {manifest['database']}, the site runs on {vendor}")
    if vendor == "postgresql":
        args, env = _pg_env()
        connections.close_all()  # our own open connection would hold locks pg_restore must take
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(source / "database.pgdump"),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(source / "database.sqlite3") as saved:
            saved.backup(connection.connection)
        saved.close()
    with tarfile.open(source / MEDIA_ARCHIVE, "r:gz") as tar:
        media = _file_storages()
        for member in tar.getmembers():
            name, _, rest = member.name.partition("/")
            if name not in media:
                continue
            if rest:
                member.name = rest
                tar.extract(member, media[name], filter="data")
    return manifest
