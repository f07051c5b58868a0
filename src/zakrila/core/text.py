"""Cleaning text that people type or upload.

Bidirectional control characters change the order in which the following text is *shown*
without changing what it *is*: "Иван\u202egpj.exe" is shown as "Иванexe.jpg". Nobody types them
in a name or a file name on purpose, so they are removed on input (``without_bidi_controls``),
in the models' ``clean()`` of names and in the upload of documents, and from every file name
offered for download.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# U+200E/U+200F (left-to-right / right-to-left mark), U+061C (Arabic letter mark), U+202A–U+202E
# (embeddings, overrides and their end), U+2066–U+2069 (isolates and their end).
BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_REMOVE_BIDI = {ord(char): None for char in BIDI_CONTROLS}


def without_bidi_controls(text: str) -> str:
    """The text without bidirectional control characters (everything else kept as typed)."""
    return text.translate(_REMOVE_BIDI)


def clean_bidi_fields(instance: Any, fields: tuple[str, ...] | list[str]) -> None:
    """Remove bidirectional control characters from these text fields of a model instance
    (called first in the model's ``clean()``, so every form and service that validates the
    record stores the cleaned text)."""
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, str):
            setattr(instance, name, without_bidi_controls(value))


def query_text(typed: str | None, *, max_length: int = 100) -> str:
    """Text typed into a search box or a link's query: without control and format characters
    (a NUL cannot even be stored in PostgreSQL's text or jsonb, where the search is also
    recorded in the audit trail), spaces collapsed, at most ``max_length`` characters."""
    kept = "".join(char for char in typed or "" if unicodedata.category(char) not in ("Cc", "Cf"))
    return " ".join(kept.split())[:max_length]
