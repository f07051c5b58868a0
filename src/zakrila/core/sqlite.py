"""The embedded SQLite compares text as people read it: ``LIKE`` ignores the case of every
letter, not only of the 26 Latin ones.

SQLite's own ``LIKE`` folds only ASCII, so on the embedded default a search for "петрова" missed
"Мария Петрова" (PostgreSQL, in production, finds her). Django runs ``icontains``, ``iexact``,
``istartswith`` (and, on SQLite, ``contains`` too) as ``LIKE ... ESCAPE '\\'``; SQLite lets an
application define ``like()`` in its place, which ``use_unicode_like`` does on every new
connection: the pattern is read once into a regular expression (``%`` any text, ``_`` one
character, the escape character's next character as itself) and compared after ``casefold()``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def _pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts: list[str] = []
    chars = iter(pattern.casefold())
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, escape)))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def unicode_like(pattern: Any, value: Any, escape: Any = None) -> int | None:
    """SQLite's ``value LIKE pattern [ESCAPE escape]``, called as ``like(pattern, value[,
    escape])``: 1 or 0, or NULL when either side is NULL."""
    if pattern is None or value is None:
        return None
    if escape is not None and len(str(escape)) != 1:
        raise ValueError("ESCAPE expression must be a single character")
    found = _pattern(str(pattern), None if escape is None else str(escape).casefold())
    return int(found.fullmatch(str(value).casefold()) is not None)


def use_unicode_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: on SQLite, ``like()`` is ``unicode_like``."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, unicode_like, deterministic=True)
    raw.create_function("like", 3, unicode_like, deterministic=True)
