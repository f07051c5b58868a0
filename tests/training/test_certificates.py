"""Certificates: issued only to those who completed, numbered, with a code that cannot be
guessed; printed as a PDF in Bulgarian (or English) with the modules and hours; revoked with a
reason; exported as an Open Badges 3.0 credential."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.training.conftest import full_course, make_cohort, make_edition
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.core.concurrency import StaleEditError
from zakrila.training.codes import ALPHABET, LENGTH, new_code, normalise
from zakrila.training.models import Certificate
from zakrila.training.services import (
    certificate_issue,
    certificate_revoke,
    certificates_issue_for_cohort,
)

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))


@pytest.fixture
def cohort(trainer):
    """Maria completed the eight modules; Petya missed module 7 entirely."""
    cohort = make_cohort(trainer, make_edition(trainer))
    _maria, petya = cohort.trainees.order_by("pk")
    full_course(trainer, cohort, skip={7: [petya]})
    return cohort


def _people(cohort):
    return cohort.trainees.order_by("pk")


def test_a_certificate_is_refused_to_someone_who_has_not_completed(trainer, cohort):
    _maria, petya = _people(cohort)
    with pytest.raises(ValidationError) as refusal:
        certificate_issue(actor=trainer, trainee=petya)
    message = str(refusal.value)
    assert "Петя Иванова не е завършил(а) програмата" in message and "6,4" in message
    assert not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(object_type="training.certificate").exists()


def test_a_certificate_has_a_number_a_random_code_and_a_public_address(trainer, cohort):
    maria, _petya = _people(cohort)
    certificate = certificate_issue(actor=trainer, trainee=maria)
    year = timezone.localdate().year
    assert certificate.number == f"ЕКС-{year}-001"
    assert len(certificate.code) == LENGTH and set(certificate.code) <= set(ALPHABET)
    assert certificate.verification_url() == f"/training/verify/{certificate.code}/"
    assert certificate.holder_name == "Мария Стоянова" and certificate.revoked_at is None
    assert AuditEvent.objects.filter(
        object_type="training.certificate", object_id=str(certificate.pk), action=AuditAction.CREATE
    ).exists()


def test_codes_are_random_long_and_typed_back_in_any_form():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = new_code()
    grouped = "-".join(code[i : i + 5] for i in range(0, LENGTH, 5)).lower()
    assert normalise(f" {grouped} ") == code
    assert normalise(code[:-1]) is None and normalise(code + "A") is None
    assert normalise("O" * LENGTH) is None  # O, 0, I, 1, L, U are never in a code


def test_one_valid_certificate_per_trainee_and_again_after_revoking(trainer, director, cohort):
    maria, _petya = _people(cohort)
    first = certificate_issue(actor=trainer, trainee=maria)
    with pytest.raises(ValidationError, match="вече има валиден сертификат"):
        certificate_issue(actor=trainer, trainee=maria)
    certificate_revoke(
        actor=director, certificate=first, reason="Грешно име.", expected_version=first.version
    )
    second = certificate_issue(actor=trainer, trainee=maria)
    assert second.number.endswith("-002") and second.code != first.code


def test_revoking_needs_a_reason_is_audited_and_happens_once(trainer, cohort):
    maria, _petya = _people(cohort)
    certificate = certificate_issue(actor=trainer, trainee=maria)
    with pytest.raises(ValidationError, match="Напишете защо"):
        certificate_revoke(actor=trainer, certificate=certificate, reason="  ", expected_version=1)
    revoked = certificate_revoke(
        actor=trainer, certificate=certificate, reason="Издаден по грешка.", expected_version=1
    )
    assert revoked.revoked_at is not None and revoked.revoked_by == trainer
    event = AuditEvent.objects.get(
        object_type="training.certificate", object_id=str(certificate.pk), action=AuditAction.UPDATE
    )
    assert event.details["reason"] == "Издаден по грешка." and event.actor == trainer
    with pytest.raises(StaleEditError):
        certificate_revoke(actor=trainer, certificate=certificate, reason="пак", expected_version=1)
    with pytest.raises(ValidationError, match="вече е анулиран"):
        certificate_revoke(actor=trainer, certificate=certificate, reason="пак", expected_version=2)


def test_issuing_for_a_cohort_gives_certificates_to_those_who_completed_only(trainer, cohort):
    maria, petya = _people(cohort)
    issued = certificates_issue_for_cohort(actor=trainer, cohort=cohort)
    assert [c.trainee for c in issued] == [maria]
    with pytest.raises(ValidationError, match="Никой от випуска не чака"):
        certificates_issue_for_cohort(actor=trainer, cohort=cohort)
    assert not petya.certificates.exists()


def test_only_trainers_and_the_director_issue_and_revoke(dpo, trainer, cohort):
    maria, _petya = _people(cohort)
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=dpo, trainee=maria)
    certificate = certificate_issue(actor=trainer, trainee=maria)
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=dpo, certificate=certificate, reason="x", expected_version=1)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_certificate_pdf_has_cyrillic_the_modules_and_hours_the_number_and_the_code(
    client, trainer, cohort
):
    maria, _petya = _people(cohort)
    certificate = certificate_issue(actor=trainer, trainee=maria)
    client.force_login(trainer)
    response = client.get(reverse("training:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "certificate-bg.pdf").write_bytes(response.content)
    text = _pdf_text(response.content)
    flat = re.sub(r"\s+", " ", text)
    assert "СЕРТИФИКАТ" in text and "Мария Стоянова" in flat
    assert "„ЕКсперт“" in flat and "104 академични часа" in flat
    assert f"№ {certificate.number}" in flat
    for number, hours in enumerate((16, 16, 16, 12, 12, 16, 8, 8), start=1):
        assert re.search(rf"{number} Модул за практиката {number} {hours}\b", flat), number
    assert certificate.code_for_display in flat
    assert certificate.verification_url() in flat
    assert AuditEvent.objects.filter(
        object_type="training.certificate", action=AuditAction.PRINT, actor=trainer
    ).exists()


def test_the_certificate_pdf_in_english_transliterates_the_name_by_the_law(client, trainer, cohort):
    maria, _petya = _people(cohort)
    certificate = certificate_issue(actor=trainer, trainee=maria)
    client.force_login(trainer)
    response = client.get(reverse("training:certificate_pdf", args=[certificate.pk]) + "?lang=en")
    (ARTIFACTS / "certificate-en.pdf").write_bytes(response.content)
    flat = re.sub(r"\s+", " ", _pdf_text(response.content))
    assert "CERTIFICATE" in flat and "Maria Stoyanova" in flat
    assert "Practice module 7" in flat and "104 academic hours" in flat
    assert certificate.number in flat


def test_the_open_badge_is_an_unsigned_openbadges_3_credential_without_contact_data(
    client, trainer, cohort
):
    maria, _petya = _people(cohort)
    certificate = certificate_issue(actor=trainer, trainee=maria)
    client.force_login(trainer)
    response = client.get(reverse("training:certificate_badge", args=[certificate.pk]))
    badge = json.loads(response.content)
    assert badge["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "ob/v3p0" in badge["@context"][1]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["id"].endswith(certificate.verification_url())
    assert badge["issuer"]["type"] == ["Profile"]
    subject = badge["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0]["identityHash"] == "Мария Стоянова"
    assert subject["achievement"]["type"] == ["Achievement"]
    assert subject["achievement"]["criteria"]["narrative"]
    assert subject["achievement"]["creditsAvailable"] == 104
    assert "proof" not in badge
    assert maria.email not in response.content.decode() and "ДСП" not in response.content.decode()
