"""``zakrila templates import FILE [--organisation ID]``: add or update an assessment template
from a JSON file, without code. ``zakrila templates list`` shows what is installed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zakrila.cases.assessment_templates import template_import
from zakrila.cases.models import AssessmentTemplate


class Command(BaseCommand):
    help = "Assessment templates: 'import FILE' adds one (a new version when it changed), 'list' shows them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Import a template from a JSON file.")
        load.add_argument("file", type=Path)
        load.add_argument("--organisation", type=int, help="Only for this organisation (its id).")
        sub.add_parser("list", help="List the installed templates.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for template in AssessmentTemplate.objects.order_by("code", "-version"):
                mark = "*" if template.is_current else " "
                owner = template.organisation_id or "all"
                self.stdout.write(
                    f"{mark} {template.code} v{template.version} ({owner}): {template.name_bg}"
                )
            return
        try:
            data = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        try:
            template, created = template_import(data, organisation_id=options.get("organisation"))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        state = "installed" if created else "unchanged"
        self.stdout.write(self.style.SUCCESS(f"{template.code} v{template.version}: {state}"))
