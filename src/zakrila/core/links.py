"""Links to records in lists: one ``reverse()`` per list, not one per row."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse


def url_for(view_name: str) -> Callable[[int], str]:
    """A URL maker for one route with one id, reversed once instead of once per row."""
    marker = 987654321
    template = reverse(view_name, args=[marker])
    head, tail = template.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"
