"""PostgreSQL must have a real UTF-8 locale for trigram search of Cyrillic names.

In a database whose character classification (LC_CTYPE) is "C", pg_trgm treats Cyrillic
letters as non-word characters and a search for "Христова" silently finds nothing. Refuse to
run in such a database, with a message that says how to fix it.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.db import DatabaseError, connection

GOOD_CYRILLIC_PROBE = "SELECT show_trgm('Христова')"


@register("database")
def postgresql_locale_supports_cyrillic(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Error]:
    if connection.vendor != "postgresql" or not databases:
        return []
    return postgresql_locale_problems()


def postgresql_locale_problems(conn: Any = connection) -> list[Error]:
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database WHERE datname = current_database()"
            )
            encoding, ctype = cursor.fetchone()
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            has_trgm = cursor.fetchone() is not None
            trigrams = None
            if has_trgm:
                cursor.execute(GOOD_CYRILLIC_PROBE)
                trigrams = cursor.fetchone()[0]
    except DatabaseError:
        return []
    problems = []
    if encoding != "UTF8":
        problems.append(
            Error(
                f"The database encoding is {encoding}, not UTF8: Bulgarian names cannot be stored safely.",
                hint="Create the database with ENCODING 'UTF8' and a UTF-8 locale, e.g. LC_CTYPE 'bg_BG.UTF-8' or 'C.UTF-8'.",
                id="zakrila.E101",
            )
        )
    if trigrams is not None and not trigrams:
        problems.append(
            Error(
                f"The database locale (LC_CTYPE={ctype}) does not treat Cyrillic as letters: trigram search would find no Bulgarian name.",
                hint="Create the database with a UTF-8 locale, e.g. LC_CTYPE 'bg_BG.UTF-8' or 'C.UTF-8' (template0), and restore the data into it.",
                id="zakrila.E102",
            )
        )
    return problems
