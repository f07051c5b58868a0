"""The ``zakrila`` command: ``demo``, ``serve``, ``migrate``, ``check``, ``createadmin``,
``audit seal|checkpoint|verify|privileges``, ``backup``, ``restore`` and any other Django
command, directly or through ``zakrila manage …``."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "manage":
        args = args[1:]
    if args and args[0] == "demo":
        # Demo mode must be known before the settings are read.
        os.environ["ZAKRILA_DEMO"] = "1"
    if not args:
        args = ["help"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zakrila.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zakrila", *args])


if __name__ == "__main__":
    main()
