"""Running the audit trail in production: the key is required, the server seals by itself, and
the deploy checks warn when the application could rewrite its own trail."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from zakrila.core.checks import audit_key_strength, audit_trail_least_privilege


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZAKRILA_", "DJANGO_")) and k not in ("SECRET_KEY", "DATABASE_URL")
    }
    env.update(extra)
    return env


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import zakrila.settings"],
        env=_clean_env(SECRET_KEY="s" * 60, ZAKRILA_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ZAKRILA_AUDIT_KEY is required in production" in result.stderr


def test_the_audit_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "audit.key"
    key_file.write_text("a-key-from-a-file-" + "x" * 40 + "\n")
    code = "import zakrila.settings as s; print(s.ZAKRILA_AUDIT_KEY)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(
            SECRET_KEY="s" * 60,
            ALLOWED_HOSTS="zakrila.example.bg",
            ZAKRILA_AUDIT_KEY_FILE=str(key_file),
            ZAKRILA_DATA_DIR=str(tmp_path),
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "a-key-from-a-file-" + "x" * 40, result.stderr


def test_a_short_audit_key_is_warned_about_in_production(settings):
    settings.ZAKRILA_AUDIT_KEY = "short"
    assert audit_key_strength() == []  # not in production
    with override_settings(PRODUCTION=True):
        assert [w.id for w in audit_key_strength()] == ["zakrila.W203"]
        settings.ZAKRILA_AUDIT_KEY = "k" * 48
        assert audit_key_strength() == []


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_check_deploy_warns_when_the_app_could_rewrite_its_trail(db):
    with override_settings(PRODUCTION=True), connection.cursor() as cursor:
        # The test database connects as a superuser.
        assert [w.id for w in audit_trail_least_privilege()] == ["zakrila.W201"]
        cursor.execute("CREATE ROLE zakrila_test_migrator NOLOGIN")
        cursor.execute("CREATE ROLE zakrila_test_app NOLOGIN")
        cursor.execute("ALTER TABLE audit_auditevent OWNER TO zakrila_test_migrator")
        cursor.execute("GRANT SELECT, INSERT ON audit_auditevent TO zakrila_test_app")
        try:
            cursor.execute("SET ROLE zakrila_test_migrator")
            warnings = audit_trail_least_privilege()
            assert [w.id for w in warnings] == ["zakrila.W202"]
            assert "zakrila_test_migrator" in warnings[0].msg
            cursor.execute("RESET ROLE")
            cursor.execute("SET ROLE zakrila_test_app")
            assert audit_trail_least_privilege() == []
        finally:
            cursor.execute("RESET ROLE")


def test_check_deploy_does_not_warn_on_sqlite_or_outside_production(db):
    if connection.vendor == "sqlite":
        with override_settings(PRODUCTION=True):
            assert audit_trail_least_privilege() == []
    assert audit_trail_least_privilege() == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unsealed_and_total(database: Path) -> tuple[int, int]:
    with sqlite3.connect(database) as db:
        unsealed = db.execute("SELECT count(*) FROM audit_auditevent WHERE seq IS NULL")
        total = db.execute("SELECT count(*) FROM audit_auditevent")
        return unsealed.fetchone()[0], total.fetchone()[0]


def test_the_running_server_seals_what_its_pages_write(tmp_path):
    """``zakrila serve`` seals in each worker: a failed sign-in is sealed without anyone running
    the sealer."""
    port = _free_port()
    env = _clean_env(ZAKRILA_DEBUG="1", ZAKRILA_DATA_DIR=str(tmp_path))
    log = (tmp_path / "server.log").open("w")
    command = ["serve", "--migrate", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    server = subprocess.Popen(
        [sys.executable, "-m", "zakrila", *command],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((tmp_path / "server.log").read_text()) from None
                time.sleep(0.3)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{url}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": "nobody@example.bg",
                "password": "not-the-password",
            }
        ).encode()
        opener.open(f"{url}/accounts/login/", data=form).read()
        database = tmp_path / "zakrila.sqlite3"
        deadline = time.monotonic() + 30
        while True:
            unsealed, total = _unsealed_and_total(database)
            if total and not unsealed:
                break
            assert time.monotonic() < deadline, f"{unsealed} of {total} events still unsealed"
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    verify = subprocess.run(
        [sys.executable, "-m", "zakrila", "audit", "verify", "--unsealed-after", "0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert "OK: 1 audit events" in verify.stdout


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_documented_app_role_writes_and_seals_but_cannot_rewrite_the_trail(db, org, capsys):
    """The statements of ``zakrila audit privileges``, applied by the owning role: the
    application role writes, seals and verifies the trail, and cannot empty or alter it."""
    from django.core.management import call_command
    from django.db import DatabaseError, transaction

    from zakrila.audit.models import AuditAction, AuditEvent
    from zakrila.audit.sealing import audit_seal
    from zakrila.audit.services import audit_record, audit_verify

    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE zakrila_test_owner NOLOGIN")
        cursor.execute("CREATE ROLE zakrila_test_app NOLOGIN")
        cursor.execute("GRANT zakrila_test_owner TO CURRENT_USER")
        for table in ("audit_auditevent", "audit_auditchainhead"):
            cursor.execute(f"ALTER TABLE {table} OWNER TO zakrila_test_owner")
        call_command(
            "audit", "privileges", "--app-role", "zakrila_test_app",
            "--owner-role", "zakrila_test_owner",
        )  # fmt: skip
        statements = capsys.readouterr().out.splitlines()
        cursor.execute("SET ROLE zakrila_test_owner")
        for statement in statements:
            if "ALL TABLES" in statement or "ALL SEQUENCES" in statement:
                continue  # the other tables belong to the test database's superuser here
            cursor.execute(statement)
        cursor.execute("SET ROLE zakrila_test_app")
        try:
            audit_record(action=AuditAction.VIEW, organisation_id=org.pk, object_id=1)
            assert audit_seal().sealed == 1
            assert audit_verify() == []
            refused = [
                "TRUNCATE audit_auditevent",
                "TRUNCATE audit_auditchainhead",
                "DELETE FROM audit_auditevent",
                "UPDATE audit_auditevent SET object_id = '2'",
                "DELETE FROM audit_auditchainhead",
                "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
                "DROP TRIGGER audit_event_append_only ON audit_auditevent",
            ]
            for statement in refused:  # by the role's privileges, before any trigger
                with (
                    pytest.raises(DatabaseError, match=r"permission denied|must be owner"),
                    transaction.atomic(),
                ):
                    cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.get().seq == 1
