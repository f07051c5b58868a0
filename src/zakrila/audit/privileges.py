"""The least-privileged PostgreSQL role the application should connect as.

A migration role owns the schema (it runs ``zakrila migrate``); the application role may read
and write the tables of the application, but on the audit trail only INSERT and SELECT — plus
the sealer's one column-limited UPDATE of the seal, which the trigger allows once per row — and
on the chain heads no DELETE. It owns nothing, so it can neither TRUNCATE the trail, nor disable
or drop its triggers. ``zakrila audit privileges --app-role NAME`` prints these statements; run
them as the owning role after every migration (new tables get the defaults).
"""

from __future__ import annotations

from psycopg import sql

SEAL_COLUMNS = ("seq", "prev_hash", "hash", "key_id", "sealed_at")


def app_role_statements(app_role: str, *, owner_role: str | None = None) -> list[str]:
    """GRANT and REVOKE statements for ``app_role`` (as text, identifiers quoted)."""
    app = sql.Identifier(app_role)
    owner = (
        sql.SQL(" FOR ROLE {}").format(sql.Identifier(owner_role)) if owner_role else sql.SQL("")
    )
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app),
        # Every table of the application, now and those later migrations add.
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            app
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(app),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES{} IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(owner, app),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES{} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(owner, app),
        # The audit trail: append and read; the seal once (the trigger checks it); no TRUNCATE.
        sql.SQL("REVOKE ALL ON audit_auditevent, audit_auditchainhead FROM {}").format(app),
        sql.SQL("GRANT SELECT, INSERT ON audit_auditevent TO {}").format(app),
        sql.SQL("GRANT UPDATE ({}) ON audit_auditevent TO {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in SEAL_COLUMNS), app
        ),
        sql.SQL("GRANT SELECT, INSERT, UPDATE ON audit_auditchainhead TO {}").format(app),
    ]
    return [statement.as_string() + ";" for statement in statements]
