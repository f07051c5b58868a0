"""``zakrila audit verify``: check that no audit row was altered, inserted or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zakrila.audit.models import AuditEvent
from zakrila.audit.services import audit_verify


class Command(BaseCommand):
    help = "Work with the audit trail: 'verify' walks every hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Verify the hash chains of the audit trail.")
        verify.add_argument("--chain", help="Only this chain, e.g. org-1 or system.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            problems = audit_verify(chain=options.get("chain"))
            if problems:
                for problem in problems:
                    self.stderr.write(f"BROKEN: {problem.describe()}")
                raise CommandError(f"The audit trail is broken in {len(problems)} chain(s).")
            count = AuditEvent.objects.count()
            self.stdout.write(self.style.SUCCESS(f"OK: {count} audit events, every chain intact."))
