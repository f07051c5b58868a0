"""Referrals: recorded as they arrive, then accepted (opening a case), declined or redirected."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, create_audited, snapshot
from zakrila.cases.models import (
    Case,
    Referral,
    ReferralDecision,
)
from zakrila.cases.services.cases import case_open, same_organisation_as
from zakrila.core.concurrency import lock_for_edit
from zakrila.organisations.models import Unit
from zakrila.people.models import Household, Person

REFERRAL_FIELDS = [
    "source", "document_number", "document_date", "reason", "person_id", "household_id", "unit_id", "received_on",
]  # fmt: skip


@transaction.atomic
def referral_register(
    *,
    actor: User,
    unit: Unit,
    person: Person,
    source: str,
    reason: str,
    received_on: dt.date,
    document_number: str = "",
    document_date: dt.date | None = None,
    household: Household | None = None,
) -> Referral:
    """Record a referral as it arrived; the decision comes later."""
    same_organisation_as(unit.organisation_id, person, household)
    referral = Referral(
        organisation_id=unit.organisation_id,
        unit=unit,
        person=person,
        household=household,
        source=source,
        reason=reason,
        received_on=received_on,
        document_number=document_number,
        document_date=document_date,
        created_by=actor,
        updated_by=actor,
    )
    create_audited(
        referral,
        actor=actor,
        person_id=person.pk,
        changes=changes_between({}, snapshot(referral, REFERRAL_FIELDS), sensitive=["reason"]),
    )
    return referral


@transaction.atomic
def referral_decide(
    *,
    actor: User,
    referral: Referral,
    decision: str,
    reason: str = "",
    redirected_to: str = "",
    key_worker: User | None = None,
    expected_version: int,
) -> Case | None:
    """Accept (opening a case), decline with a reason, or redirect to another service."""
    current: Referral = lock_for_edit(Referral, referral.pk, expected_version=expected_version)
    if current.decision != ReferralDecision.PENDING:
        raise ValidationError(_("This referral was already decided."), code="decided")
    if decision == ReferralDecision.DECLINED and not reason.strip():
        raise ValidationError(
            {"decision_reason": _("Write why the referral is declined.")}, code="no_reason"
        )
    if decision == ReferralDecision.REDIRECTED and not redirected_to.strip():
        raise ValidationError(
            {"redirected_to": _("Write where the family is redirected.")}, code="no_target"
        )
    if decision == ReferralDecision.ACCEPTED and key_worker is None:
        raise ValidationError(
            {"key_worker": _("Choose the key worker of the new case.")}, code="no_key_worker"
        )
    current.decision = decision
    current.decision_reason = reason
    current.redirected_to = redirected_to
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=current.person_id,
        changes={"decision": {"old": ReferralDecision.PENDING, "new": decision}},
        details={"version": current.version},
    )
    if decision != ReferralDecision.ACCEPTED:
        return None
    assert key_worker is not None  # checked above  # noqa: S101
    return case_open(
        actor=actor,
        unit=current.unit,
        person=current.person,
        household=current.household,
        key_worker=key_worker,
        referral=current,
    )
