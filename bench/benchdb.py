"""What the benchmarks share: a throwaway PostgreSQL database, and how figures are printed.

The scripts run as ``python bench/<name>.py``, so this folder is on ``sys.path``.
"""

from __future__ import annotations

import math
import sys
from urllib.parse import urlparse, urlunparse


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def fmt_ms(ms: float) -> str:
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.1f} ms" if ms >= 10 else f"{ms:.2f} ms"


def admin_url(url: str) -> tuple[str, str]:
    """The URL of the server's "postgres" database, and the benchmark database's name."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("zakrila_bench"):
        sys.exit(f"refusing to drop and create {name!r}: the name must start with zakrila_bench")
    return urlunparse(parsed._replace(path="/postgres")), name


def recreate_postgres(url: str) -> None:
    """Drop the benchmark database if it is there, and create it empty."""
    import psycopg
    from psycopg import sql

    admin, name = admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        # pg_trgm takes a word's characters from LC_CTYPE: under "C" it would see no letters in
        # Cyrillic text. A real locale, as production must have.
        connection.execute(
            sql.SQL(
                "CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0 "
                "LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )


def drop_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
