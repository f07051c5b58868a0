"""Which of a record's sections have anything in them, asked in one statement.

A case page or a person page shows a dozen sections (assessments, plans, documents, tasks, a
placement, consents ...), and most of a record's sections are empty: the child in a family has
no placement, most cases no contract, no follow-up yet. Each section is a query that Django
builds, compiles and turns into models, about a millisecond of the server's CPU each even when
it returns nothing. One constant statement of ``EXISTS`` tests tells the page which sections to
read at all; the ones with rows are read as before, through the reader's visibility.

The test is by the related table's column alone, without any filter of the section's own query
(visibility, "open", "current"): a section is skipped only when no row at all points at the
record, so a section that has rows is never hidden by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import ForeignKey, Model

_MEMO = "_zakrila_sections_present"


@dataclass(frozen=True)
class Section:
    """The rows of ``model`` whose foreign key ``field`` holds the record's ``attribute`` (its
    pk, or another of its fields: a case's placements point at the case's person)."""

    model: type[Model]
    field: str
    attribute: str = "pk"


class Sections:
    """The sections of one kind of record. Apps add theirs when they load
    (``CASE_SECTIONS.add(Placement, "person", of="person_id")``), so the record's own app
    needs not know them; a model never added is always read (``has`` answers True)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._sections: list[Section] = []
        self._compiled: tuple[tuple[Section, ...], str] | None = None

    def add(self, model: type[Model], field: str, *, of: str = "pk") -> None:
        section = Section(model, field, of)
        if section not in self._sections:
            self._sections.append(section)

    def present(self, record: Model) -> frozenset[type[Model]]:
        """The models added here that have at least one row for ``record``."""
        return self._answer(record)[1]

    def has(self, record: Model, model: type[Model]) -> bool:
        """Whether the section of ``model`` may have rows for ``record``: False only when none
        points at it. Asked once per record object (the answer is kept on it for the rest of
        the request); a model added after the question, or never, is always read."""
        asked, present = self._answer(record)
        return model not in asked or model in present

    def _answer(self, record: Model) -> tuple[frozenset[type[Model]], frozenset[type[Model]]]:
        memo = record.__dict__.setdefault(_MEMO, {})
        if self.name not in memo:
            memo[self.name] = self._ask(record)
        answer: tuple[frozenset[type[Model]], frozenset[type[Model]]] = memo[self.name]
        return answer

    def _ask(self, record: Model) -> tuple[frozenset[type[Model]], frozenset[type[Model]]]:
        """(the models asked about, those with rows); one statement, built once per list of
        sections (a snapshot: an app adding a section meanwhile builds the next one)."""
        compiled = self._compiled
        if compiled is None or compiled[0] != tuple(self._sections):
            compiled = self._compiled = self._compile(tuple(self._sections))
        sections, sql = compiled
        asked = frozenset(section.model for section in sections)
        if not sections:
            return asked, frozenset()
        params: list[Any] = [getattr(record, section.attribute) for section in sections]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        present = frozenset(
            section.model for section, found in zip(sections, row, strict=True) if found
        )
        return asked, present

    @staticmethod
    def _compile(sections: tuple[Section, ...]) -> tuple[tuple[Section, ...], str]:
        quote = connection.ops.quote_name

        def column(section: Section) -> str:
            field = section.model._meta.get_field(section.field)
            assert isinstance(field, ForeignKey), section  # noqa: S101  (a programming error)
            return quote(field.column)

        # Names from the models' own metadata, never from input; the values are parameters.
        tests = [
            f"EXISTS(SELECT 1 FROM {quote(s.model._meta.db_table)} WHERE {column(s)} = %s)"  # noqa: S608
            for s in sections
        ]
        return sections, "SELECT " + ", ".join(tests)
