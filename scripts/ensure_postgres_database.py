"""Create the CI database on PostgreSQL, failing loudly when the server is not there.

Usage: ensure_postgres_database.py ADMIN_URL TARGET_URL
"""

from __future__ import annotations

import sys
from urllib.parse import urlparse

import psycopg
from psycopg import sql


def main(admin_url: str, target_url: str) -> int:
    name = urlparse(target_url).path.lstrip("/")
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(name)
                    )
                )
                print(f"created database {name}")
            else:
                print(f"database {name} exists")
    except psycopg.OperationalError as error:
        print(f"PostgreSQL is not reachable at {admin_url}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
