"""``zakrila audit seal | checkpoint | verify``: seal the trail, anchor it outside the database,
and check that no row was altered, inserted or removed."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zakrila.audit.checkpoints import audit_checkpoint
from zakrila.audit.models import AuditEvent
from zakrila.audit.privileges import app_role_statements
from zakrila.audit.sealing import Sealer, audit_seal
from zakrila.audit.verification import audit_verify


class Command(BaseCommand):
    help = (
        "Work with the audit trail: 'seal' chains the events written since the last seal, "
        "'checkpoint' writes each chain's head outside the database, 'verify' walks every chain, "
        "'privileges' prints the GRANTs of a least-privileged application role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seal = sub.add_parser("seal", help="Seal the events not sealed yet.")
        seal.add_argument(
            "--loop", action="store_true", help="Keep sealing every --interval seconds."
        )
        seal.add_argument("--interval", type=float, default=1.0)
        seal.add_argument(
            "--checkpoint-every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="With --loop: also write a checkpoint this often (0: never).",
        )
        checkpoint = sub.add_parser(
            "checkpoint", help="Seal, then write each chain's head outside the database."
        )
        checkpoint.add_argument(
            "--file",
            help=f"Append to this file (default ZAKRILA_AUDIT_CHECKPOINT_FILE, now "
            f"{settings.ZAKRILA_AUDIT_CHECKPOINT_FILE or 'unset'}).",
        )
        checkpoint.add_argument(
            "--syslog", help="Also send to syslog: /dev/log or host:port (UDP)."
        )
        privileges = sub.add_parser(
            "privileges",
            help="Print the GRANTs for a least-privileged application role (PostgreSQL); run "
            "them as the owning role after every migration.",
        )
        privileges.add_argument("--app-role", required=True)
        privileges.add_argument("--owner-role", help="The role that owns the schema.")
        verify = sub.add_parser("verify", help="Verify the hash chains of the audit trail.")
        verify.add_argument("--chain", help="Only this chain, e.g. org-1 or system.")
        verify.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="Compare each chain with its last checkpoint in this file.",
        )
        verify.add_argument(
            "--unsealed-after",
            type=int,
            metavar="SECONDS",
            default=settings.ZAKRILA_AUDIT_UNSEALED_AFTER_SECONDS,
            help="Report events unsealed for longer than this (default %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _seal(self, options: dict[str, Any]) -> None:
        if not options["loop"]:
            result = audit_seal()
            for chain, reason in result.refused.items():
                self.stderr.write(f"REFUSED: chain {chain}: {reason}")
            self.stdout.write(f"Sealed {result.sealed} audit event(s).")
            if result.refused:
                raise CommandError(f"Sealing was refused in {len(result.refused)} chain(s).")
            return
        sealer = Sealer(interval=options["interval"])
        every = options["checkpoint_every"]
        next_checkpoint = time.monotonic() + every if every else None
        self.stdout.write(f"Sealing every {options['interval']} s; Ctrl+C stops.")
        try:
            while True:
                sealer.run_once()
                if next_checkpoint is not None and time.monotonic() >= next_checkpoint:
                    audit_checkpoint()
                    next_checkpoint = time.monotonic() + every
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            return

    def _checkpoint(self, options: dict[str, Any]) -> None:
        audit_seal()
        checkpoints = audit_checkpoint(file=options.get("file"), syslog=options.get("syslog"))
        for checkpoint in checkpoints:
            self.stdout.write(f"{checkpoint.chain}: number {checkpoint.seq}")
        self.stdout.write(f"Checkpoint of {len(checkpoints)} chain(s) written.")

    def _privileges(self, options: dict[str, Any]) -> None:
        for statement in app_role_statements(
            options["app_role"], owner_role=options.get("owner_role")
        ):
            self.stdout.write(statement)

    def _verify(self, options: dict[str, Any]) -> None:
        problems = audit_verify(
            chain=options.get("chain"),
            checkpoints=options.get("checkpoints"),
            unsealed_after=dt.timedelta(seconds=options["unsealed_after"]),
        )
        if problems:
            for problem in problems:
                self.stderr.write(f"BROKEN: {problem.describe()}")
            chains = len({problem.chain for problem in problems})
            raise CommandError(f"The audit trail is broken in {chains} chain(s).")
        sealed = AuditEvent.objects.filter(seq__isnull=False).count()
        waiting = AuditEvent.objects.filter(seq__isnull=True).count()
        message = f"OK: {sealed} audit events, every chain intact"
        if waiting:
            message += f" ({waiting} recent event(s) waiting for the sealer)"
        self.stdout.write(self.style.SUCCESS(message + "."))
        if not options.get("checkpoints"):
            self.stdout.write(
                "Not compared with checkpoints: a trail cut at its end or emptied is only "
                "found with --checkpoints FILE."
            )
