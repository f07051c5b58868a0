"""What each kind of programme adds to the enrolment page: a registry from the programme's
kind to a function giving the parts to include (a template and its context)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Section = tuple[str, dict[str, Any]]
_SECTIONS: dict[str, Callable[[Any, Any], list[Section]]] = {}


def register_section(kind: str, make: Callable[[Any, Any], list[Section]]) -> None:
    _SECTIONS[kind] = make


def enrolment_sections(request: Any, enrolment: Any) -> list[Section]:
    make = _SECTIONS.get(enrolment.programme.kind)
    return make(request, enrolment) if make else []
