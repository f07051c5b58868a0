"""Rules about stays that the database keeps on PostgreSQL: a stay is a range of moments, and
two stays of one child, or two stays in one bed, never share a moment.

SQLite has no exclusion constraints. There the service's check keeps the rule, and SQLite's
IMMEDIATE transactions (see ``settings.DATABASES``) let one writer at a time run that check and
its insert, so no second admission can slip between them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


class StayRange(Func):
    """``tstzrange(admitted_at, discharged_at)``: the moments ``[admitted, discharged)`` of a
    stay; an open stay (no discharge yet) has no upper bound."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An ``ExclusionConstraint`` on PostgreSQL, and nothing at all on other databases (no DDL,
    no validation query), so the embedded SQLite runs the same models and migrations."""

    @staticmethod
    def _on_postgresql(connection: Any) -> bool:
        return bool(connection.vendor == "postgresql")

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._on_postgresql(schema_editor.connection):
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._on_postgresql(schema_editor.connection):
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._on_postgresql(schema_editor.connection):
            return None
        return super().remove_sql(model, schema_editor)

    def validate(
        self, model: Any, instance: Any, exclude: Any = None, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        if self._on_postgresql(connections[using]):
            super().validate(model, instance, exclude=exclude, using=using)


def violated_constraint(error: BaseException) -> str | None:
    """The name of the constraint a database error reports (PostgreSQL), or None."""
    diagnostics = getattr(error.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None)
