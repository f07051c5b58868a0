"""``zakrila serve``: the production server (gunicorn) with the static files collected."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from zakrila.core.server import run_server


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # run below, with the database checks included
    help = "Serve Zakrila with gunicorn (put a TLS-terminating reverse proxy in front of it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ZAKRILA_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("ZAKRILA_THREADS", "4"))
        )
        parser.add_argument("--migrate", action="store_true", help="Apply migrations first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        # The database checks too: a PostgreSQL whose locale hides Cyrillic from trigram search
        # is refused here, at start, with the fix in the message. In production the deployment
        # checks as well: any error among them (demo users in the database, ...) stops the
        # start; their warnings are printed and the server starts.
        self.check(
            databases=[DEFAULT_DB_ALIAS],
            include_deployment_checks=settings.PRODUCTION,
            display_num_errors=True,
        )
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        run_server(bind=options["bind"], workers=options["workers"], threads=options["threads"])
