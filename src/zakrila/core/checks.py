"""System checks that guard a production deployment."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError, connection


@register(Tags.security, deploy=True)
def demo_users_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Demo accounts share one published password: they must never exist in production."""
    if not settings.PRODUCTION:
        return []
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    query = Q()
    for domain in settings.ZAKRILA_DEMO_EMAIL_DOMAINS:
        query |= Q(email__iendswith=f"@{domain}")
    try:
        count = get_user_model().objects.filter(query).count()
    except DatabaseError:
        return []  # not migrated yet: nothing to find
    if count:
        return [
            Error(
                f"{count} demo user(s) exist in a production database.",
                hint="Demo accounts have a published password. Remove them, or run in demo mode.",
                id="zakrila.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def audit_trail_least_privilege(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """The application should not be able to empty or rewrite its own audit trail: on
    PostgreSQL it connects as a role that neither owns the audit tables nor is a superuser."""
    if not settings.PRODUCTION or connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.rolsuper, pg_has_role(current_user, c.relowner, 'USAGE'), "
                "pg_get_userbyid(c.relowner), current_user "
                "FROM pg_class c JOIN pg_roles r ON r.rolname = current_user "
                "WHERE c.oid = to_regclass('audit_auditevent')"
            )
            row = cursor.fetchone()
    except DatabaseError:
        return []  # not migrated yet, or the database is down: other checks say so
    if row is None:
        return []
    superuser, owner, table_owner, user = row
    hint = (
        "Run migrations as a separate role that owns the schema, and the application as a role "
        "that may only INSERT and SELECT the audit tables (docs/operations.md, 'Database roles')."
    )
    if superuser:
        return [
            CheckWarning(
                f"The application connects to PostgreSQL as the superuser {user!r}: it could "
                "empty or rewrite the audit trail.",
                hint=hint,
                id="zakrila.W201",
            )
        ]
    if owner:
        return [
            CheckWarning(
                f"The application connects to PostgreSQL as {user!r}, which owns the audit table "
                f"(owner {table_owner!r}): it could disable the triggers that keep the trail "
                "append-only, and empty it.",
                hint=hint,
                id="zakrila.W202",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def audit_key_strength(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """The audit key must be long enough that nobody guesses it."""
    if settings.PRODUCTION and len(settings.ZAKRILA_AUDIT_KEY) < 32:
        return [
            CheckWarning(
                "ZAKRILA_AUDIT_KEY is shorter than 32 characters.",
                hint="Use a random key, e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))', and rotate (docs/operations.md).",
                id="zakrila.W203",
            )
        ]
    return []
