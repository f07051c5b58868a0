"""``zakrila backup`` and ``zakrila restore``: the database *and* the uploaded files in one
archive, with a manifest to check a restore against.

The archive is a tar file holding, in this order:

* ``manifest.json`` — when, which version, which database, the row count of every table, the
  head of every audit chain and the number and size of the uploaded files;
* ``database.pgdump`` (``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's online backup API);
* ``uploads/…`` — the folder ``ZAKRILA_UPLOADS_DIR``.

The counts and chain heads come from the very snapshot that is dumped (on PostgreSQL the
counting transaction exports its snapshot to ``pg_dump --snapshot``; on SQLite they are counted
in the copy), so a restore can be checked exactly even while the application keeps writing.
The archive holds every personal record: it is written readable by its owner only, and should
be encrypted before it leaves the machine (``--output -`` streams it, e.g. into ``age``).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_FILE = "database.sqlite3"
UPLOADS = "uploads"
# Tables a freshly migrated, empty database already has rows in.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    counts: dict[str, int]
    mismatched: dict[str, tuple[int, int]]  # table -> (in the manifest, after restore)
    uploads: int


def _zakrila_version() -> str:
    try:
        return version("zakrila")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608  (names from introspection)
        counts[table] = cursor.fetchone()[0]
    return counts


def _chain_heads(cursor: Any) -> dict[str, dict[str, Any]]:
    cursor.execute(
        "SELECT chain, max(seq), count(*), count(seq) FROM audit_auditevent GROUP BY chain"
    )
    heads = {}
    for chain, seq, events, sealed in cursor.fetchall():
        heads[chain] = {"seq": seq or 0, "events": events, "unsealed": events - sealed}
    cursor.execute(
        "SELECT e.chain, e.hash FROM audit_auditevent e JOIN audit_auditchainhead h "
        "ON h.chain = e.chain AND h.seq = e.seq"
    )
    for chain, hash_ in cursor.fetchall():
        heads.setdefault(chain, {"seq": 0, "events": 0, "unsealed": 0})["hash"] = hash_
    return heads


def _uploads_summary(folder: Path) -> dict[str, int]:
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore, from the settings."""
    db = settings.DATABASES["default"]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(command: list[str], env: dict[str, str], *, stdin: str | None = None) -> str:
    if not shutil.which(command[0]):
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client "
            "(Debian: apt-get install postgresql-client) in the version of the server."
        )
    result = subprocess.run(  # noqa: S603
        command, env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
    return result.stdout


def _snapshot_of_database(workdir: Path) -> tuple[Path, dict[str, Any]]:
    """The database copied into ``workdir``, with the counts and chain heads of that copy."""
    vendor = connection.vendor
    if vendor == "postgresql":
        target = workdir / PG_DUMP
        # A connection of its own, so the caller's connection and transaction stay as they are.
        raw = connection.get_new_connection(connection.get_connection_params())
        try:
            raw.autocommit = True
            with raw.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                tables = connection.introspection.table_names(cursor)
                facts = {"tables": _counts(cursor, tables), "audit": _chain_heads(cursor)}
                args, env = _pg_env()
                _run(
                    ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file",
                     str(target), *args],
                    env,
                )  # fmt: skip
                cursor.execute("COMMIT")
        finally:
            raw.close()
        return target, facts
    elif vendor == "sqlite":
        target = workdir / SQLITE_FILE
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            cursor = copy.cursor()
            tables = [
                row[0]
                for row in cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            facts = {"tables": _counts(cursor, tables), "audit": _chain_heads(cursor)}
        finally:
            copy.close()
        return target, facts
    raise BackupError(f"Backups of a {vendor} database are not supported.")


def backup_write(output: IO[bytes], *, name: str = "") -> dict[str, Any]:
    """Write the archive to ``output`` (a file or a stream); returns the manifest."""
    uploads_dir = Path(settings.ZAKRILA_UPLOADS_DIR)
    with tempfile.TemporaryDirectory(prefix="zakrila-backup-") as tmp:
        database_file, facts = _snapshot_of_database(Path(tmp))
        manifest = {
            "format": FORMAT,
            "zakrila_version": _zakrila_version(),
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "file": database_file.name},
            "tables": facts["tables"],
            "audit_chains": facts["audit"],
            "uploads": _uploads_summary(uploads_dir),
        }
        with tarfile.open(fileobj=output, mode="w|", format=tarfile.PAX_FORMAT) as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(database_file, arcname=database_file.name, recursive=False)
            if uploads_dir.exists():
                archive.add(uploads_dir, arcname=UPLOADS)
    return manifest


def backup_to_file(path: Path) -> dict[str, Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as output:
        return backup_write(output)


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"zakrila-{stamp}.tar"


# --- Restore --------------------------------------------------------------------------------------


def database_has_data() -> bool:
    """Whether any table but Django's own bookkeeping has a row (a migrated, empty database
    has none)."""
    tables = set(connection.introspection.table_names()) - BOOKKEEPING_TABLES
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return True
    return False


def _uploads_have_files(folder: Path) -> bool:
    return folder.exists() and any(p.is_file() for p in folder.rglob("*"))


def _safe_members(archive: tarfile.TarFile, workdir: Path) -> Iterator[tarfile.TarInfo]:
    for member in archive:
        target = (workdir / member.name).resolve()
        if workdir.resolve() not in target.parents and target != workdir.resolve():
            raise BackupError(f"The archive holds a path outside its folder: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"The archive holds something that is not a file: {member.name}")
        yield member


def restore_read(source: IO[bytes], *, force: bool = False) -> RestoreResult:
    """Restore the database and the uploads from an archive read from ``source``."""
    uploads_dir = Path(settings.ZAKRILA_UPLOADS_DIR)
    with tempfile.TemporaryDirectory(prefix="zakrila-restore-") as tmp:
        workdir = Path(tmp)
        with tarfile.open(fileobj=source, mode="r|") as archive:
            for member in _safe_members(archive, workdir):
                archive.extract(member, workdir, filter="data")
        manifest_file = workdir / MANIFEST
        if not manifest_file.exists():
            raise BackupError("This is not a Zakrila backup: it has no manifest.json.")
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"The backup is of a {vendor} database; this installation uses "
                f"{connection.vendor}. Restore it into the same kind of database."
            )
        if not force and (database_has_data() or _uploads_have_files(uploads_dir)):
            raise BackupError(
                "The database or the uploads folder is not empty: restoring would overwrite "
                "it. Restore into an empty database, or pass --force."
            )
        _restore_database(workdir / manifest["database"]["file"])
        # What the cache holds (memberships, units, staff lists) was read from the database
        # that was just replaced.
        cache.clear()
        uploads = _restore_uploads(workdir / UPLOADS, uploads_dir)
    counts = _current_counts(list(manifest["tables"]))
    mismatched = {
        table: (expected, counts.get(table, -1))
        for table, expected in manifest["tables"].items()
        if counts.get(table, -1) != expected
    }
    return RestoreResult(manifest=manifest, counts=counts, mismatched=mismatched, uploads=uploads)


def _restore_database(database_file: Path) -> None:
    connections.close_all()
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        # Objects are owned by whoever restores (the migration role); grants are applied again
        # afterwards (docs/operations.md), so a dump restores on a server without the same roles.
        # The dump as SQL, run by psql in one transaction after emptying the schema: a restore
        # over an existing database never depends on the order pg_restore --clean drops
        # constraints in (a foreign key added by a later migration depends on another table's
        # primary key), and a failed restore leaves the database as it was.
        script = _run(
            ["pg_restore", "--no-owner", "--no-acl", "--file", "-", str(database_file)], env
        )
        _run(
            ["psql", "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
             *args],
            env,
            stdin="DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n" + script,
        )  # fmt: skip
        return
    target = Path(str(settings.DATABASES["default"]["NAME"]))
    source = sqlite3.connect(database_file)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _restore_uploads(extracted: Path, uploads_dir: Path) -> int:
    if _uploads_have_files(uploads_dir):
        # Never deleted: kept aside next to the restored folder.
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        uploads_dir.rename(uploads_dir.with_name(f"{uploads_dir.name}.before-restore-{stamp}"))
    uploads_dir.mkdir(parents=True, exist_ok=True)
    restored = 0
    if extracted.exists():
        for path in sorted(extracted.rglob("*")):
            target = uploads_dir / path.relative_to(extracted)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                restored += 1
    return restored


def _current_counts(tables: list[str]) -> dict[str, int]:
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        return _counts(cursor, [t for t in tables if t in existing])
