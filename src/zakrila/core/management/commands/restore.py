"""``zakrila restore FILE``: the database and the uploaded files back from a backup archive."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zakrila.core.backup import BackupError, restore_read


class Command(BaseCommand):
    help = (
        "Restore the database and the uploads folder from an archive of 'zakrila backup'. "
        "Refuses a database or uploads folder that is not empty unless --force; then checks "
        "every table's row count against the archive's manifest and verifies the audit trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The archive; '-' reads it from standard input.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database that has data (the uploads folder there is kept aside).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["archive"] == "-":
                result = restore_read(sys.stdin.buffer, force=options["force"])
            else:
                path = Path(options["archive"])
                if not path.exists():
                    raise CommandError(f"No such archive: {path}")
                with path.open("rb") as source:
                    result = restore_read(source, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (Zakrila "
            f"{manifest['zakrila_version']}): {len(result.counts)} tables, "
            f"{result.uploads} uploaded files."
        )
        if result.mismatched:
            for table, (expected, found) in sorted(result.mismatched.items()):
                self.stderr.write(f"MISMATCH: {table}: {expected} rows in the backup, {found} now")
            raise CommandError("The restored database does not match the backup's manifest.")
        self.stdout.write(self.style.SUCCESS("Every table has the rows the backup recorded."))
        # Applies migrations newer than the backup, if any; then the trail must verify.
        call_command("migrate", interactive=False, verbosity=0)
        call_command("audit", "verify", stdout=self.stdout, stderr=self.stderr)
