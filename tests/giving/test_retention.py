"""Donors' and volunteers' data is kept only as long as needed, then anonymised; the
donations and hours stay for the figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zakrila.audit.models import AuditEvent
from zakrila.giving.hooks import giving_anonymise
from zakrila.giving.models import Donor, MoneyDonation, Volunteer
from zakrila.giving.services import money_donation_record, volunteer_create
from zakrila.privacy.retention import record_rules


def test_old_donors_and_volunteers_are_anonymised_recent_ones_kept(coordinator, org, donor):
    today = timezone.localdate()
    old_day = today - dt.timedelta(days=365 * 11)
    money_donation_record(
        actor=coordinator, donor=donor, received_on=old_day, amount=Decimal(100), method="bank"
    )
    Donor.objects.filter(pk=donor.pk).update(
        created_at=timezone.now() - dt.timedelta(days=365 * 11)
    )
    old = volunteer_create(
        actor=coordinator, organisation_id=org.pk, full_name="Стара Доброволка",
        consent_on=today - dt.timedelta(days=365 * 4), record_certificate_on=today - dt.timedelta(days=365 * 4),
    )  # fmt: skip
    recent = volunteer_create(
        actor=coordinator, organisation_id=org.pk, full_name="Нова Доброволка", consent_on=today
    )
    assert any(rule.kind == "giving" for rule in record_rules())
    assert giving_anonymise(timezone.now()) == 2
    donor.refresh_from_db()
    old.refresh_from_db()
    assert donor.name == "" and donor.email == "" and donor.anonymised_at is not None
    assert MoneyDonation.objects.filter(donor=donor).count() == 1  # the figures stay
    assert old.full_name == "" and old.record_certificate_on is None
    assert Volunteer.objects.get(pk=recent.pk).full_name == "Нова Доброволка"
    assert AuditEvent.objects.filter(actor_label="retention", object_type="giving.donor").exists()
    assert giving_anonymise(timezone.now()) == 0
