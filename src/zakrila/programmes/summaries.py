"""What each kind of programme adds to its page (the maternity ward's signals and share gone
home, the children moved out of institutions and where they live at 12 months): a registry from
the programme's kind to a function giving the parts to include."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Summary = tuple[str, dict[str, Any]]
_SUMMARIES: dict[str, Callable[[Any, list[int]], list[Summary]]] = {}


def register_summary(kind: str, make: Callable[[Any, list[int]], list[Summary]]) -> None:
    _SUMMARIES[kind] = make


def programme_summaries(programme: Any, years: list[int]) -> list[Summary]:
    make = _SUMMARIES.get(programme.kind)
    return make(programme, years) if make else []
