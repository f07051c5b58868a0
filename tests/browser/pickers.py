"""Filling the browser's date pickers from a test: Playwright sets their value, which is ISO."""

from __future__ import annotations

import datetime as dt


def picker_value(written: str) -> str:
    """``27.11.2026`` → ``2026-11-27``; ``27.11.2026 14:30`` → ``2026-11-27T14:30``."""
    if " " in written:
        moment = dt.datetime.strptime(written, "%d.%m.%Y %H:%M")  # noqa: DTZ007 (wall-clock time)
        return moment.strftime("%Y-%m-%dT%H:%M")
    return dt.datetime.strptime(written, "%d.%m.%Y").date().isoformat()  # noqa: DTZ007
