"""Contacts: the work done with the family, recorded on its case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.cases.models import (
    Case,
    Contact,
)


@transaction.atomic
def contact_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    occurred_at: dt.datetime,
    duration_minutes: int,
    note: str = "",
    is_confidential: bool = True,
    place: str = "",
    participants: str = "",
    staff: Iterable[User] = (),
) -> Contact:
    """Record a piece of work with the family. The note's text never enters the audit trail."""
    case = Case.objects.select_for_update().get(pk=case.pk)  # its stage as it is now
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it to record new work."), code="closed")
    contact = Contact(
        organisation_id=case.organisation_id, case=case, kind=kind, occurred_at=occurred_at,
        duration_minutes=duration_minutes, note=note, is_confidential=is_confidential,
        place=place, participants=participants, created_by=actor, updated_by=actor,
    )  # fmt: skip
    contact.full_clean()
    contact.save()
    contact.staff.set({actor.pk, *(user.pk for user in staff)})
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=contact,
        person_id=case.person_id,
        changes={
            "kind": {"old": None, "new": contact.kind},
            "note": {"old": None, "new": "changed"},
        },
        details={"case": case.pk},
    )
    return contact
