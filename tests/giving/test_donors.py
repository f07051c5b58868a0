"""Donors (what they agreed that we keep, whether they are named) and money donations with
the donation certificate for the tax relief."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from zakrila.audit.models import AuditEvent
from zakrila.giving.models import Donor, MoneyDonation
from zakrila.giving.services import donor_create, donor_update, money_donation_record


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _person(coordinator, org, **fields):
    return donor_create(
        actor=coordinator, organisation_id=org.pk, kind="person", name="Елица Добрева", **fields
    )


def test_contact_details_are_kept_only_with_the_donors_agreement(coordinator, org):
    with pytest.raises(ValidationError) as refused:
        _person(coordinator, org, email="elitsa@example.bg")
    assert "keep_contact" in refused.value.error_dict
    with pytest.raises(ValidationError):  # agreed, but when?
        _person(coordinator, org, email="elitsa@example.bg", keep_contact=True)
    donor = _person(
        coordinator, org, email="elitsa@example.bg", keep_contact=True,
        consent_on=timezone.localdate(),
    )  # fmt: skip
    assert donor.email == "elitsa@example.bg"
    assert Donor.objects.count() == 1


def test_a_donor_is_named_in_public_only_if_they_wish(coordinator, org):
    quiet = _person(coordinator, org)
    assert quiet.public_name == "анонимен дарител"
    named = donor_create(
        actor=coordinator, organisation_id=org.pk, kind="company", name="„Дунав“ АД",
        wishes_to_be_named=True,
    )  # fmt: skip
    assert named.public_name == "„Дунав“ АД"


def test_money_donations_are_numbered_per_year(coordinator, org, donor):
    first = money_donation_record(
        actor=coordinator, donor=donor, received_on=timezone.localdate(), amount=Decimal(100),
        method="bank",
    )  # fmt: skip
    second = money_donation_record(
        actor=coordinator, donor=donor, received_on=timezone.localdate(), amount=Decimal(50),
        method="cash",
    )  # fmt: skip
    year = timezone.localdate().year
    assert first.number == f"СД-{year}-0001" and second.number == f"СД-{year}-0002"
    with pytest.raises(ValidationError):
        money_donation_record(
            actor=coordinator, donor=donor, received_on=timezone.localdate(), amount=Decimal(0),
            method="bank",
        )  # fmt: skip


def test_company_certificate_cites_the_corporate_tax_relief(client, coordinator, donor):
    donation = money_donation_record(
        actor=coordinator, donor=donor, received_on=timezone.localdate(),
        amount=Decimal("1250.50"), method="bank", purpose="за Розовата къща",
    )  # fmt: skip
    client.force_login(coordinator)
    response = client.get(reverse("giving:money_pdf", args=[donation.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(response.content).split())
    assert "СВИДЕТЕЛСТВО ЗА ДАРЕНИЕ" in text and "Дунав Фуудс" in text
    assert "1250,50" in text and "10 на сто" in text and "чл. 31" in text and "ЗКПО" in text
    assert AuditEvent.objects.filter(action="print", object_type="giving.moneydonation").exists()


def test_individual_certificate_cites_the_personal_tax_relief(client, coordinator, org):
    donor = _person(coordinator, org)
    donation = money_donation_record(
        actor=coordinator, donor=donor, received_on=timezone.localdate(), amount=Decimal(40),
        method="cash",
    )  # fmt: skip
    client.force_login(coordinator)
    text = " ".join(
        _pdf_text(client.get(reverse("giving:money_pdf", args=[donation.pk])).content).split()
    )
    assert "Елица Добрева" in text and "5 на сто" in text and "чл. 22" in text
    assert "ЗДДФЛ" in text and "ЗКПО" not in text


def test_opening_a_donor_is_audited(client, coordinator, donor):
    client.force_login(coordinator)
    assert client.get(donor.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.filter(
        action="view", object_type="giving.donor", object_id=str(donor.pk)
    ).exists()


def test_an_anonymised_donor_is_neither_corrected_nor_given_a_donation(coordinator, donor):
    Donor.objects.filter(pk=donor.pk).update(name="", anonymised_at=timezone.now())
    donor.refresh_from_db()
    with pytest.raises(ValidationError, match="анонимизирани"):
        donor_update(
            actor=coordinator, donor=donor, expected_version=donor.version, name="Ново име"
        )
    with pytest.raises(ValidationError, match="анонимизирани"):
        money_donation_record(
            actor=coordinator, donor=donor, received_on=timezone.localdate(), amount=Decimal(10),
            method="cash",
        )  # fmt: skip
    donor.refresh_from_db()
    assert donor.name == ""
    assert not MoneyDonation.objects.exists()
