"""``zakrila backup`` and ``zakrila restore``: a round trip on the database the suite runs on,
into a fresh database and uploads folder as on a new machine — every table's rows back, the
audit trail verifies, a case document downloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from importlib import import_module
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.factories import OrganisationFactory, PersonFactory, UnitFactory, member
from zakrila.accounts.models import Role
from zakrila.audit.sealing import audit_seal
from zakrila.cases.services import case_open
from zakrila.cases.services.documents import document_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TRIGGERS = import_module("zakrila.audit.migrations.0003_keyed_sealed_chain")


@pytest.fixture
def committed_db(transactional_db):
    """Data really committed (pg_dump and the SQLite backup read committed data). SQLite's
    triggers refuse the DELETE that empties the trail after the test: lift them for it."""
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in TRIGGERS.SQLITE_DROP:
                cursor.execute(statement)
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("DELETE FROM audit_auditchainhead")
            for statement in TRIGGERS.SQLITE_CREATE:
                cursor.execute(statement)


def _fresh_target(tmp_path: Path) -> dict[str, str]:
    """The environment of a new machine: an empty database and an empty uploads folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZAKRILA_", "DJANGO_")) and k not in ("SECRET_KEY", "DATABASE_URL")
    }
    env.update(
        ZAKRILA_DEBUG="1",
        ZAKRILA_REQUIRE_2FA="0",
        ALLOWED_HOSTS="testserver",
        ZAKRILA_DATA_DIR=str(tmp_path / "new-machine"),
        ZAKRILA_UPLOADS_DIR=str(tmp_path / "new-machine" / "uploads"),
    )
    if connection.vendor == "postgresql":
        import psycopg
        from psycopg import sql

        params = connection.settings_dict
        name = f"{params['NAME']}_restore"
        server = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            admin.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
                ).format(sql.Identifier(name))
            )
        env["DATABASE_URL"] = f"{server}/{name}"
    return env


def _drop_target(env: dict[str, str]) -> None:
    if "DATABASE_URL" in env:
        import psycopg
        from psycopg import sql

        server, name = env["DATABASE_URL"].rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _zakrila(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zakrila", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


DOWNLOAD = """
import hashlib, django
django.setup()
from django.test import Client
from zakrila.accounts.models import User
client = Client()
client.force_login(User.objects.get(email="cm@example.bg"))
response = client.get("/cases/documents/{pk}/")
body = b"".join(response.streaming_content) if response.status_code == 200 else b""
print(response.status_code, hashlib.sha256(body).hexdigest())
"""


def test_backup_and_restore_round_trip_on_a_new_machine(committed_db, tmp_path, settings):
    org = OrganisationFactory()
    cop = UnitFactory(organisation=org)
    case_manager = member(org, Role.CASE_MANAGER, email="cm@example.bg")
    case = case_open(
        actor=case_manager,
        unit=cop,
        person=PersonFactory(organisation=org, unit=cop),
        key_worker=case_manager,
        without_referral_reason="консултация",
    )
    document = document_upload(
        actor=case_manager,
        case=case,
        upload=SimpleUploadedFile("заповед.pdf", PDF),
        title="Заповед за настаняване",
        kind="court",
        is_confidential=False,
    )
    audit_seal()

    archive = tmp_path / "backup.tar"
    call_command("backup", "--output", str(archive))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # every personal record is in it
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert any(name.endswith(document.file.name) for name in names)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"]["cases_casedocument"] == 1
    assert manifest["uploads"]["files"] == 1
    chain = manifest["audit_chains"][f"org-{org.pk}"]
    assert chain["unsealed"] == 0 and chain["seq"] == chain["events"] > 0

    env = _fresh_target(tmp_path)
    try:
        restored = _zakrila(env, "restore", str(archive))
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "Every table has the rows the backup recorded." in restored.stdout
        assert "every chain intact" in restored.stdout
        download = _zakrila(env, "shell", "--no-imports", "-c", DOWNLOAD.format(pk=document.pk))
        assert download.stdout.split() == ["200", document.sha256], download.stderr
        assert _zakrila(env, "audit", "seal").returncode == 0  # the download's own events
        verify = _zakrila(env, "audit", "verify", "--unsealed-after", "0")
        assert verify.returncode == 0, verify.stderr
        # The restored machine now has data: a second restore is refused, unless forced.
        again = _zakrila(env, "restore", str(archive))
        assert again.returncode != 0
        assert "not empty" in again.stderr
        forced = _zakrila(env, "restore", "--force", str(archive))
        assert forced.returncode == 0, forced.stderr
        kept_aside = list((tmp_path / "new-machine").glob("uploads.before-restore-*"))
        assert len(kept_aside) == 1
    finally:
        _drop_target(env)


def test_restore_refuses_a_database_with_data(committed_db, tmp_path):
    member(OrganisationFactory(), Role.DIRECTOR)
    archive = tmp_path / "backup.tar"
    call_command("backup", "--output", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    archive = tmp_path / "other.tar"
    with tarfile.open(archive, "w") as tar:
        note = tmp_path / "note.txt"
        note.write_text("hello")
        tar.add(note, arcname="note.txt")
    with pytest.raises(CommandError, match="not a Zakrila backup"):
        call_command("restore", str(archive), "--force")


def test_a_restore_empties_the_cache_read_from_the_database_it_replaced(
    committed_db, tmp_path, monkeypatch
):
    from django.core.cache import cache

    from zakrila.core import backup

    member(OrganisationFactory(), Role.DIRECTOR)
    archive = tmp_path / "backup.tar"
    call_command("backup", "--output", str(archive))
    cache.set("zakrila:memberships:user:1", "read from the database before the restore")
    # The database itself is the round trip test's; here only what follows it.
    monkeypatch.setattr(backup, "_restore_database", lambda database_file: None)
    with archive.open("rb") as source:
        backup.restore_read(source, force=True)
    assert cache.get("zakrila:memberships:user:1") is None
