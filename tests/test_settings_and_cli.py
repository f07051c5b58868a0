"""The settings read the environment; the ``zakrila`` command wraps Django's commands."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZAKRILA_", "DJANGO_"))
        and k not in ("SECRET_KEY", "DATABASE_URL", "DATABASE_PREPARED_STATEMENTS")
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=clean, check=False
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run("import zakrila.settings", ZAKRILA_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_settings_come_from_the_environment(tmp_path):
    code = (
        "import zakrila.settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE, s.ALLOWED_HOSTS, "
        "s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.DATA_DIR)"
    )
    result = _run(
        code,
        SECRET_KEY="x" * 60,
        ZAKRILA_AUDIT_KEY="a" * 48,
        ALLOWED_HOSTS="zakrila.example.bg,other.example.bg",
        ZAKRILA_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.split()
    assert out[0] == "django.db.backends.sqlite3"
    assert out[1:3] == ["Europe/Sofia", "bg"]
    assert "zakrila.example.bg" in result.stdout
    assert "True True" in result.stdout
    assert str(tmp_path) in result.stdout


def test_database_url_selects_postgresql(tmp_path):
    result = _run(
        "import zakrila.settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
        ZAKRILA_DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/zk",
        ZAKRILA_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "zk", "127.0.0.1"]


@pytest.mark.parametrize(
    ("url", "switch", "options"),
    [
        ("postgres://postgres@127.0.0.1:5432/zk", None, "None None"),
        ("postgres://postgres@127.0.0.1:5432/zk", "0", "None None"),
        ("postgres://postgres@127.0.0.1:5432/zk", "1", "True 5"),
        ("sqlite:///zk.sqlite3", "1", "None None"),
    ],
)
def test_prepared_statements_are_an_opt_in_for_postgresql(tmp_path, url, switch, options):
    code = (
        "import zakrila.settings as s; o = s.DATABASES['default'].get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    env = {"DATABASE_PREPARED_STATEMENTS": switch} if switch is not None else {}
    result = _run(code, ZAKRILA_DEBUG="1", DATABASE_URL=url, ZAKRILA_DATA_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == options


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_by_default_postgresql_plans_every_statement_with_its_values():
    """No statement is prepared unless the operator opts in: a prepared statement may run on
    PostgreSQL's generic plan, made without the values (docs/operations.md)."""
    from zakrila.organisations.models import Organisation

    for pk in range(1, 7):
        list(Organisation.objects.filter(pk=-pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0


def test_demo_mode_uses_its_own_database_file(tmp_path):
    result = _run(
        "import zakrila.settings as s; print(s.DATABASES['default']['NAME'])",
        ZAKRILA_DEMO="1",
        ZAKRILA_DATA_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == str(tmp_path / "demo.sqlite3")


def test_production_check_deploy_is_clean(tmp_path):
    env = {
        "SECRET_KEY": "k" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_-" * 2,
        "ALLOWED_HOSTS": "zakrila.example.bg",
        "ZAKRILA_AUDIT_KEY": "audit-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2,
        "ZAKRILA_DATA_DIR": str(tmp_path),
    }
    result = _run(
        "from zakrila.cli import main; main(['check', '--deploy', '--fail-level', 'WARNING'])",
        **env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("args", [["manage", "help", "migrate"], ["help", "migrate"]])
def test_zakrila_command_passes_through_to_django(args, tmp_path):
    result = _run(
        f"from zakrila.cli import main; main({args!r})",
        ZAKRILA_DEBUG="1",
        ZAKRILA_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "database" in result.stdout.lower()


def test_demo_command_builds_and_exits_with_no_serve(tmp_path):
    result = _run(
        "from zakrila.cli import main; main(['demo', '--no-serve'])", ZAKRILA_DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "case_manager@demo.zakrila.bg" in result.stdout
    assert "zakrila-demo-2026" in result.stdout
    assert (tmp_path / "demo.sqlite3").exists()
    again = _run(
        "from zakrila.cli import main; main(['demo', '--no-serve'])", ZAKRILA_DATA_DIR=str(tmp_path)
    )
    assert again.returncode == 0, again.stderr


def test_createadmin_refuses_a_short_password(tmp_path):
    env = {"ZAKRILA_DEBUG": "1", "ZAKRILA_DATA_DIR": str(tmp_path)}
    assert _run("from zakrila.cli import main; main(['migrate', '-v0'])", **env).returncode == 0
    result = _run(
        "from zakrila.cli import main; main(['createadmin', '--email', 'a@b.bg'])",
        ZAKRILA_ADMIN_PASSWORD="short",
        **env,
    )
    assert result.returncode != 0
    assert "12" in result.stderr
    ok = _run(
        "from zakrila.cli import main; main(['createadmin', '--email', 'a@b.bg'])",
        ZAKRILA_ADMIN_PASSWORD="a-much-longer-admin-password",
        **env,
    )
    assert ok.returncode == 0, ok.stderr
