"""``zakrila demo``: build the demo database and serve it at http://127.0.0.1:8000."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from zakrila.core.demo import DEMO_PASSWORD, build_demo
from zakrila.core.server import run_server


class Command(BaseCommand):
    help = "Build (idempotently) the demo data on the embedded database and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo database and rebuild it."
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="Build the data and exit.")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("Run the demo through 'zakrila demo', which sets demo mode.")
        if options["reset"]:
            self._reset()
        call_command("migrate", interactive=False, verbosity=0)
        logins = build_demo()
        self._print_logins(logins)
        if options["no_serve"]:
            return
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"\nZakrila demo: open {url}  (Ctrl+C stops it)\n"))
        run_server(
            bind=f"{options['host']}:{options['port']}", workers=options["workers"], threads=4
        )

    def _reset(self) -> None:
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3"):
            connection.close()
            path = str(database["NAME"])
            from pathlib import Path

            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
        else:
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("The demo database was deleted; building it again.")

    def _print_logins(self, logins: list[Any]) -> None:
        width = max(len(login.email) for login in logins)
        self.stdout.write("\nDemo logins (every account has the same password):")
        self.stdout.write(f"  password: {DEMO_PASSWORD}\n")
        self.stdout.write(f"  {'email'.ljust(width)}  {'role'.ljust(20)}  organisation")
        for login in logins:
            self.stdout.write(
                f"  {login.email.ljust(width)}  {login.role.ljust(20)}  {login.organisation}"
            )
