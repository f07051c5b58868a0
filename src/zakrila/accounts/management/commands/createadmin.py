"""``zakrila createadmin``: create the system administrator (a superuser without casework)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zakrila.accounts.models import User


class Command(BaseCommand):
    help = (
        "Create a system administrator. The password comes from ZAKRILA_ADMIN_PASSWORD or a prompt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", default="Системен администратор")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A user with the email {email} already exists.")
        password = os.environ.get("ZAKRILA_ADMIN_PASSWORD") or ""
        if not password:
            if not os.isatty(0):
                raise CommandError("Set ZAKRILA_ADMIN_PASSWORD, or run in a terminal to be asked.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        candidate = User(email=email, full_name=options["full_name"])
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        User.objects.create_superuser(
            email=email, password=password, full_name=options["full_name"]
        )
        self.stdout.write(self.style.SUCCESS(f"System administrator {email} created."))
