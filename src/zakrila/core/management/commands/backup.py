"""``zakrila backup``: the database and the uploaded files in one archive (core.backup)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zakrila.core.backup import BackupError, backup_to_file, backup_write, default_backup_path


class Command(BaseCommand):
    help = (
        "Write the database (pg_dump -Fc, or the SQLite file) and the uploads folder into one "
        "archive with a manifest. The archive holds every personal record: encrypt it before "
        "it leaves the machine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="The archive to write (default: <data dir>/backups/zakrila-<time>.tar); "
            "'-' writes it to standard output, e.g. to pipe it into an encryption tool.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options.get("output")
        try:
            if output == "-":
                manifest = backup_write(sys.stdout.buffer)
                sys.stdout.buffer.flush()
                self.stderr.write(_summary(manifest))
                return
            path = Path(output) if output else default_backup_path()
            manifest = backup_to_file(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
        self.stdout.write(_summary(manifest))


def _summary(manifest: dict[str, Any]) -> str:
    rows = sum(manifest["tables"].values())
    chains = manifest["audit_chains"]
    events = sum(chain["events"] for chain in chains.values())
    uploads = manifest["uploads"]
    return (
        f"{manifest['database']['vendor']}: {len(manifest['tables'])} tables, {rows} rows; "
        f"audit: {events} events in {len(chains)} chains; "
        f"uploads: {uploads['files']} files, {uploads['bytes']} bytes."
    )
