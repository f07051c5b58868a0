"""``zakrila reminders``: compute the tasks that rules make (assessments due, follow-ups).

Run it every few minutes from cron or a systemd timer. With ``--enqueue`` it only puts the job
on the task queue, for a worker (``zakrila manage db_worker``) on any machine to run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zakrila.cases.jobs import refresh_reminders
from zakrila.cases.reminders import reminders_refresh


class Command(BaseCommand):
    help = "Compute the tasks made by rules (assessments due, follow-ups); --enqueue leaves it to a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Put the job on the task queue instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = refresh_reminders.enqueue()
            self.stdout.write(f"queued: {result.id}")
            return
        done = reminders_refresh()
        self.stdout.write(
            self.style.SUCCESS(f"{done.created} tasks created, {done.closed} closed.")
        )
