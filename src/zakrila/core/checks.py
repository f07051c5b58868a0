"""System checks that guard a production deployment."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


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
