"""``zakrila retention run [--dry-run]``: anonymise what has been kept long enough."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from zakrila.privacy.retention import record_rules, retention_candidates, retention_run


class Command(BaseCommand):
    help = "Apply the retention periods: 'run' anonymises people whose period has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "run", help="Anonymise, in batches, everyone whose retention period has passed."
        )
        run.add_argument(
            "--dry-run", action="store_true", help="Only list what would be anonymised."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            count = held = 0
            for candidate in retention_candidates():
                state = (
                    "HELD: " + "; ".join(candidate.holds)
                    if candidate.holds
                    else "would be anonymised"
                )
                self.stdout.write(
                    f"person #{candidate.person_id}  organisation #{candidate.organisation_id}  "
                    f"{candidate.kind}  last change {candidate.last_change:%d.%m.%Y}  {state}"
                )
                held += bool(candidate.holds)
                count += not candidate.holds
            for rule in record_rules():
                self.stdout.write(f"{rule.kind}: {rule.due(timezone.now())} would be anonymised")
            self.stdout.write(
                f"{count} would be anonymised, {held} kept under a legal hold (dry run: nothing changed)."
            )
            return
        result = retention_run()
        for kind, count in result.records.items():
            self.stdout.write(f"{kind}: {count} anonymised")
        self.stdout.write(f"expired sessions deleted: {result.expired_sessions}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.anonymised} anonymised, {result.held} kept under a legal hold."
            )
        )
