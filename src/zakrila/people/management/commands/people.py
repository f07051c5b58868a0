"""``zakrila people reindex [--organisation ID]``: rebuild the search index of people's names."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from zakrila.people.name_index import rebuild_name_index


class Command(BaseCommand):
    help = "People's records: 'reindex' rebuilds the search index of their names."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser(
            "reindex",
            help="Recompute every person's search key and name words from their names and "
            "other names (after a restore, a bulk import, or a change of the spelling rules).",
        )
        reindex.add_argument(
            "--organisation", type=int, default=None, help="Only this organisation's people (id)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done:,} people…")

        # One transaction: search sees the old index or the new one, never half of it.
        with transaction.atomic():
            result = rebuild_name_index(organisation_id=options["organisation"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.people:,} people indexed ({result.keys_changed:,} search keys "
                f"refreshed), {result.links:,} name words linked, {result.words:,} distinct words."
            )
        )
