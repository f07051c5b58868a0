"""Optimistic locking: an edit made from a stale form is refused, never silently applied.

Every edit form carries the record's ``version``. A save locks the row and compares; when
someone saved in between, the refusal says who changed which fields — read from the audit
trail, where every update records its changed fields and the version it produced.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _


class StaleEditError(ValidationError):
    """Someone else saved this record after the form was opened."""

    def __init__(self, *, changes: list[str]) -> None:
        self.changes = changes
        super().__init__(
            _(
                "Someone else saved this record after you opened it, so your changes were not "
                "saved: %(changes)s. Your text is kept below: compare it with theirs, then save again."
            )
            % {"changes": "; ".join(changes) or _("a change")},
            code="stale",
        )


def lock_for_edit(model: type[models.Model], pk: Any, *, expected_version: int) -> Any:
    """Lock the row for this transaction and check nobody saved it since ``expected_version``."""
    current: Any = model._default_manager.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise StaleEditError(changes=_changes_since(current, expected_version))
    return current


def _changes_since(record: models.Model, version: int) -> list[str]:
    from zakrila.audit.models import AuditAction, AuditEvent

    labels = {f.name: str(f.verbose_name) for f in record._meta.fields}
    events = AuditEvent.objects.filter(
        object_type=record._meta.label_lower,
        object_id=str(record.pk),
        action=AuditAction.UPDATE,
        details__version__gt=version,
    ).order_by("id")  # the order they were written in
    described = []
    for event in events:
        fields = ", ".join(labels.get(name, name) for name in event.changes)
        when = date_format(localtime(event.occurred_at), "SHORT_DATETIME_FORMAT")
        described.append(f"{event.actor_label} ({when}): {fields}")
    return described
