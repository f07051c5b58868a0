"""Production refuses what only a demo may do (issue 11, item 5): ``zakrila serve`` does not
start while ``check --deploy`` fails at error level (demo users in the database), and a demo
account cannot connect an authenticator on a production server."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, member
from zakrila.accounts.models import Role
from zakrila.accounts.services import totp_device_start
from zakrila.core.management.commands import serve

DEMO_EMAIL = "director@demo.zakrila.bg"


def _production_env(tmp_path: Any) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZAKRILA_", "DJANGO_")) and k not in ("SECRET_KEY", "DATABASE_URL")
    }
    env.update(
        SECRET_KEY="s" * 64,
        ZAKRILA_AUDIT_KEY="k" * 48,
        ALLOWED_HOSTS="zakrila.example.bg",
        ZAKRILA_DATA_DIR=str(tmp_path),
    )
    return env


def _zakrila(env: dict[str, str], *args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from zakrila.cli import main; main()", *args],
        capture_output=True, text=True, env=env, check=False, timeout=timeout,
    )  # fmt: skip


def test_zakrila_serve_refuses_to_start_in_production_with_demo_users(tmp_path):
    env = _production_env(tmp_path)
    assert _zakrila(env, "migrate", "-v0").returncode == 0
    made = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from zakrila.accounts.models import User; "
         f"User.objects.create_user({DEMO_EMAIL!r}, 'demo', full_name='Демо')"],
        env={**env, "DJANGO_SETTINGS_MODULE": "zakrila.settings"}, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    # It must end by itself: a server that started would run until the timeout.
    result = _zakrila(env, "serve", "--bind", "127.0.0.1:0", timeout=120)
    assert result.returncode != 0
    assert "zakrila.E001" in result.stderr
    assert "demo user" in result.stderr


@pytest.fixture
def started(monkeypatch, settings):
    """``zakrila serve`` in production mode, with gunicorn and collectstatic left out."""
    settings.PRODUCTION = True
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "run_server", lambda **options: calls.append(options))
    monkeypatch.setattr(serve, "call_command", lambda *args, **options: None)
    return calls


def test_serve_starts_in_production_when_the_deploy_checks_pass(started, db):
    call_command("serve", "--bind", "127.0.0.1:0")
    assert started == [{"bind": "127.0.0.1:0", "workers": 2, "threads": 4}]


def test_serve_does_not_start_in_production_while_a_demo_user_exists(started, org):
    member(org, Role.DIRECTOR, email=DEMO_EMAIL)
    with pytest.raises(SystemCheckError, match=r"zakrila\.E001"):
        call_command("serve", "--bind", "127.0.0.1:0")
    assert started == []


def test_in_demo_mode_demo_users_are_expected(started, org, settings):
    settings.PRODUCTION = False
    member(org, Role.DIRECTOR, email=DEMO_EMAIL)
    call_command("serve", "--bind", "127.0.0.1:0")
    assert len(started) == 1


def test_a_demo_user_without_a_device_cannot_connect_one_in_production(client, org, settings):
    settings.PRODUCTION = True
    demo = member(org, Role.DIRECTOR, email=DEMO_EMAIL)
    client.post(reverse("accounts:login"), {"username": DEMO_EMAIL, "password": TEST_PASSWORD})
    for response in (
        client.get(reverse("accounts:2fa_setup")),
        client.post(reverse("accounts:2fa_setup"), {"token": "123456", "next": "/"}),
    ):
        assert response.status_code == 403
        assert "Демо профилите" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=demo).exists()
    with pytest.raises(Exception, match="Демо профилите"):
        totp_device_start(user=demo)


def test_an_ordinary_user_connects_one_in_production(client, org, settings):
    settings.PRODUCTION = True
    user = member(org, Role.DIRECTOR, email="director@ksuds-ruse.bg")
    client.post(reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert client.get(reverse("accounts:2fa_setup")).status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=False).exists()
