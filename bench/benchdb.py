"""What the benchmarks share: a throwaway PostgreSQL database, and how figures are printed.

The scripts run as ``python bench/<name>.py``, so this folder is on ``sys.path``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
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


def setup_django(default_url: str, *, test_client: bool = False) -> str:
    """Django set up on the benchmark database ``DATABASE_URL`` (``default_url`` if unset),
    which must be PostgreSQL and named as a benchmark's; debug settings unless told otherwise.
    ``test_client``: pages are requested in this process (the second factor off, Django's test
    host allowed). Returns the database's URL; connects to nothing yet."""
    import os

    url = os.environ.setdefault("DATABASE_URL", default_url)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database: the benchmarks load with COPY")
    admin_url(url)  # refuses a name that is not a benchmark's
    os.environ.setdefault("ZAKRILA_DEBUG", "1")
    if test_client:
        os.environ["ZAKRILA_REQUIRE_2FA"] = "0"
        hosts = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
        os.environ["ALLOWED_HOSTS"] = ",".join([*hosts, "testserver"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zakrila.settings")
    import django

    django.setup()
    return url


def on_benchmark_database(
    url: str, run: Callable[[], object], *, keep: bool, reuse: bool = False
) -> None:
    """``run()`` on the benchmark database ``url``: made afresh first unless ``reuse``, dropped
    afterwards unless ``keep`` or ``reuse`` (Django is set up; its connections are closed)."""
    from django.db import connections

    try:
        if not reuse:
            recreate_postgres(url)
        run()
    finally:
        connections.close_all()
        if keep or reuse:
            print(f"\nkept the database: {url}")
        else:
            drop_postgres(url)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` prints them."""
    import os

    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def copy_text(value: object) -> str:
    """One value in PostgreSQL COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if any(char in text for char in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class TableWriter:
    """Rows into one model's table as fast as the database takes them: COPY on PostgreSQL
    (psycopg 3's ``cursor.copy``), ``executemany`` on SQLite; the caller holds one transaction.
    Columns not given get the model's default, so a field added later does not break a script.
    Values are Python values (dates, datetimes, booleans, None)."""

    def __init__(self, model: object, columns: list[str], *, freeze: bool = False) -> None:
        import datetime as dt

        from django.db import connection
        from django.db.models import NOT_PROVIDED

        self.connection = connection
        # COPY FREEZE (the table was truncated in this transaction): rows born visible to all,
        # so index-only scans need no VACUUM first.
        self.freeze = freeze
        meta = model._meta  # type: ignore[attr-defined]
        self.table = meta.db_table
        known = {field.column for field in meta.concrete_fields}
        unknown = set(columns) - known
        if unknown:
            sys.exit(f"{meta.label} has no columns {sorted(unknown)}: update the benchmark")
        self.columns = list(columns)
        self.extra: list[object] = []
        for field in meta.concrete_fields:
            if field.column in columns or field.primary_key or field.null:
                continue
            if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
                continue
            if field.has_default():
                value = field.get_default()
                value = getattr(value, "value", value)  # a TextChoices member
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            elif field.blank and field.get_internal_type() in ("CharField", "TextField"):
                value = ""
            else:
                sys.exit(f"{meta.label}.{field.name} is required: teach the benchmark to fill it")
            self.columns.append(field.column)
            self.extra.append(value)

    def write(self, rows: list[tuple[object, ...]]) -> int:
        if not rows:
            return 0
        extra = tuple(self.extra)
        with self.connection.cursor() as django_cursor:
            if self.connection.vendor == "postgresql":
                from psycopg import sql

                statement = sql.SQL("COPY {} ({}) FROM STDIN {}").format(
                    sql.Identifier(self.table),
                    sql.SQL(", ").join(map(sql.Identifier, self.columns)),
                    sql.SQL("WITH (FREEZE)" if self.freeze else ""),
                )
                suffix = "".join("\t" + copy_text(value) for value in extra) + "\n"
                with django_cursor.cursor.copy(statement) as copy:
                    for start in range(0, len(rows), 20_000):
                        copy.write(
                            "".join(
                                "\t".join(map(copy_text, row)) + suffix
                                for row in rows[start : start + 20_000]
                            )
                        )
            else:
                marks = ", ".join("?" for _ in self.columns)
                names = ", ".join(f'"{column}"' for column in self.columns)
                django_cursor.cursor.executemany(
                    f'INSERT INTO "{self.table}" ({names}) VALUES ({marks})',  # noqa: S608
                    [
                        tuple(map(_sqlite_value, row)) + tuple(map(_sqlite_value, extra))
                        for row in rows
                    ],
                )
        return len(rows)


def _sqlite_value(value: object) -> object:
    """What Django's SQLite backend stores: ISO text for dates and times (UTC, naive)."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def plain_indexes(cursor: object, table: str) -> list[tuple[str, str]]:
    """(name, definition) of a PostgreSQL table's indexes that back no constraint."""
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
        [table],
    )
    return list(cursor.fetchall())  # type: ignore[attr-defined]


def add_reuse_and_settle(parser: object, *, settle: int, below: float) -> None:
    """The options of a benchmark that loads a database: measure again on a kept one
    (``--reuse``), and wait for the machine to quieten before measuring (``--settle``)."""
    parser.add_argument(  # type: ignore[attr-defined]
        "--reuse", action="store_true",
        help="measure again on a database kept by --keep (migrated first), without loading",
    )  # fmt: skip
    parser.add_argument(  # type: ignore[attr-defined]
        "--settle", type=int, default=settle,
        help=f"wait up to this many seconds for the 1-minute load average to fall below {below:g}",
    )  # fmt: skip


def settle(seconds: int, below: float) -> None:
    """Wait up to ``seconds`` for the 1-minute load average to fall below ``below``."""
    import os
    import time

    waited = time.perf_counter()
    while os.getloadavg()[0] >= below and time.perf_counter() - waited < seconds:
        time.sleep(5)


def finish_load(tables: list[str]) -> None:
    """After rows were loaded with their ids: each table's id sequence set past them (so the
    app's own inserts do not collide), and the tables vacuumed and analysed, as autovacuum
    would soon do after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    connection.ensure_connection()
    previous = connection.connection.autocommit
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    connection.connection.autocommit = previous
