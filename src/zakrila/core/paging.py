"""Keyset paging: "the next 50 after this row", never OFFSET, so page 500 costs what page 1 does.

One helper for every list that pages (the case list, the case timeline, the audit trail, the
people list). The position is an opaque token made of the last row's sort keys; a token that
was mangled, truncated or made up starts the list again from its beginning instead of failing.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

T = TypeVar("T")

# An id beyond this is not one of ours; refusing it keeps a made-up token from overflowing a
# 64-bit column in the database.
_MAX_INT = 2**62


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next_token: str | None
    # The sort keys of the position this page started after (None: from the beginning).
    started_after: list[Any] | None = None

    @property
    def has_next(self) -> bool:
        return self.next_token is not None


def position_token(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, fields: Sequence[models.Field[Any, Any]]) -> list[Any] | None:
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeError):
        return None
    if not isinstance(values, list) or len(values) != len(fields):
        return None
    parsed = []
    for field, value in zip(fields, values, strict=True):
        if not isinstance(value, str | int) or isinstance(value, bool):
            return None
        if isinstance(value, str) and ("\x00" in value or len(value) > 200):
            return None
        try:
            python = field.to_python(value)
        except Exception:  # any value a field refuses is a bad token
            return None
        if isinstance(python, int) and not -_MAX_INT < python < _MAX_INT:
            return None
        if python is None:
            return None
        parsed.append(python)
    return parsed


def _key_of(row: Any, name: str) -> Any:
    if isinstance(row, Mapping):
        if name in ("id", "pk") and name not in row:
            return row["pk" if name == "id" else "id"]
        return row[name]
    return getattr(row, name)


def keyset_page(
    queryset: models.QuerySet[Any], *, order: Sequence[str], after: str | None, size: int
) -> Page[Any]:
    """One page of ``queryset`` sorted by ``order`` (all ascending or all descending, the last
    key unique, e.g. ``("-opened_on", "-id")``), starting after the position ``after``.

    The queryset may be of model instances or of ``values()`` rows that include the keys.
    """
    descending = order[0].startswith("-")
    if any(key.startswith("-") != descending for key in order):
        raise ValueError("keyset_page sorts every key the same way")
    names = [key.lstrip("-") for key in order]
    opts = queryset.model._meta
    fields = [opts.pk if name in ("pk", "id") else opts.get_field(name) for name in names]
    position = _decode(after, fields) if after else None
    if position is not None:
        queryset = queryset.filter(_after(names, position, descending))
    rows = list(queryset.order_by(*order)[: size + 1])
    if len(rows) <= size:
        return Page(rows, None, position)
    rows = rows[:size]
    return Page(rows, position_token([_key_of(rows[-1], name) for name in names]), position)


def _after(names: list[str], values: list[Any], descending: bool) -> models.Q:
    """Rows strictly after ``values`` in the sort order, with the first key bounded so that an
    index on the keys is used for a range scan."""
    beyond = "lt" if descending else "gt"
    within = "lte" if descending else "gte"
    condition = models.Q(pk__in=[])
    for i, name in enumerate(names):
        equal = {names[j]: values[j] for j in range(i)}
        condition |= models.Q(**equal, **{f"{name}__{beyond}": values[i]})
    return models.Q(**{f"{names[0]}__{within}": values[0]}) & condition
