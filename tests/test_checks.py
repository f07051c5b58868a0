from __future__ import annotations

from django.core.management import call_command
from django.test import override_settings


def test_check_deploy_does_not_complain_without_demo_users(db):
    with override_settings(PRODUCTION=True):
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
