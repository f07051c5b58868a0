"""Donors and money donations, and the printing of the documents a donation needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.policy import require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, create_audited, snapshot
from zakrila.core.concurrency import lock_for_edit
from zakrila.giving.models import Donor, DonorKind, MoneyDonation
from zakrila.giving.services._common import next_number

MANAGE = "giving.manage"
DONOR_FIELDS = [
    "kind", "name", "eik", "address", "email", "phone", "keep_contact", "consent_on",
    "wishes_to_be_named", "notes",
]  # fmt: skip
CONTACT_FIELDS = ("address", "email", "phone")


def _donor_clean(donor: Donor) -> None:
    # Without the donor's agreement, nothing beyond the name and the donations is kept.
    if not donor.keep_contact and any(getattr(donor, name) for name in CONTACT_FIELDS):
        raise ValidationError(
            {
                "keep_contact": _(
                    "The donor did not agree that we keep their contact details: leave the "
                    "address, email and phone empty, or record their agreement."
                )
            },
            code="no_consent",
        )
    if donor.kind == DonorKind.PERSON and donor.eik:
        raise ValidationError({"eik": _("Only a company has a UIC.")}, code="eik")
    donor.full_clean()


@transaction.atomic
def donor_create(
    *,
    actor: User,
    organisation_id: int,
    kind: str,
    name: str,
    eik: str = "",
    address: str = "",
    email: str = "",
    phone: str = "",
    keep_contact: bool = False,
    consent_on: dt.date | None = None,
    wishes_to_be_named: bool = False,
    notes: str = "",
) -> Donor:
    """A person or a company that gives, with what they agreed that we keep."""
    require(actor, MANAGE, organisation_id=organisation_id)
    donor = Donor(
        organisation_id=organisation_id, kind=kind, name=name.strip(), eik=eik.strip(),
        address=address.strip(), email=email.strip().lower(), phone=phone.strip(),
        keep_contact=keep_contact, consent_on=consent_on, wishes_to_be_named=wishes_to_be_named,
        notes=notes.strip(), created_by=actor, updated_by=actor,
    )  # fmt: skip
    _donor_clean(donor)
    donor.save()
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=donor,
        details={"kind": kind, "keep_contact": keep_contact, "named": wishes_to_be_named},
    )  # fmt: skip
    return donor


@transaction.atomic
def donor_update(*, actor: User, donor: Donor, expected_version: int, **values: object) -> Donor:
    """Correct a donor's details or what they agreed; contact details go when the agreement
    does."""
    require(actor, MANAGE, organisation_id=donor.organisation_id)
    current: Donor = lock_for_edit(Donor, donor.pk, expected_version=expected_version)
    if current.anonymised_at is not None:
        raise ValidationError(_("This donor's data was anonymised."), code="anonymised")
    before = snapshot(current, DONOR_FIELDS)
    for name in DONOR_FIELDS:
        if name in values:
            value = values[name]
            setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.email = current.email.lower()
    _donor_clean(current)
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes=changes_between(before, snapshot(current, DONOR_FIELDS)),
        details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def money_donation_record(
    *,
    actor: User,
    donor: Donor,
    received_on: dt.date,
    amount: Decimal,
    method: str,
    purpose: str = "",
) -> MoneyDonation:
    """A donation of money, numbered for its donation certificate."""
    require(actor, MANAGE, organisation_id=donor.organisation_id)
    if donor.anonymised_at is not None:
        raise ValidationError(_("This donor's data was anonymised."), code="anonymised")
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")}, code="amount")
    donation = MoneyDonation(
        organisation_id=donor.organisation_id, donor=donor,
        number=next_number(
            MoneyDonation, organisation_id=donor.organisation_id, prefix="СД", year=received_on.year
        ),
        received_on=received_on, amount=amount, method=method, purpose=purpose.strip(),
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        donation,
        actor=actor,
        details={
            "donor": donor.pk,
            "number": donation.number,
            "amount": str(amount),
            "method": method,
        },
    )
    return donation


def document_printed(*, actor: User, record: models.Model, what: str) -> None:
    """A donation certificate, a handover record, a thank-you letter or a certificate of hours
    was printed: the trail says who printed which."""
    require(actor, "giving.view", organisation_id=getattr(record, "organisation_id", None))
    audit_record(action=AuditAction.PRINT, actor=actor, obj=record, details={"what": what})
