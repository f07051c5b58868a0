"""The public verification page: no sign-in; it says only whether a certificate is genuine (or
revoked), the holder's name, the programme and the date — nothing else; not indexed; limited
per address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.training.conftest import full_course, make_cohort, make_edition
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.training.codes import new_code
from zakrila.training.services import certificate_issue, certificate_revoke
from zakrila.training.views import public

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(trainer):
    cohort = make_cohort(
        trainer, make_edition(trainer, hours=(8, 8)), trainees=["Мария Стоянова", "Петя Иванова"]
    )
    full_course(trainer, cohort)
    return certificate_issue(actor=trainer, trainee=cohort.trainees.order_by("pk").first())


def _page(client, certificate_or_code):
    code = getattr(certificate_or_code, "code", certificate_or_code)
    return client.get(reverse("training:verify", args=[code]))


def test_a_genuine_certificate_is_confirmed_without_signing_in(anonymous, certificate):
    response = _page(anonymous, certificate)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="genuine"' in page
    assert "Мария Стоянова" in page and "ЕКсперт" in page
    assert certificate.issued_on.strftime("%d.%m.%Y") in page
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_page_shows_nothing_beyond_holder_programme_and_date(anonymous, certificate):
    trainee = certificate.trainee
    page = _page(anonymous, certificate).content.decode()
    cohort = trainee.cohort
    for secret in (
        trainee.email, trainee.employer, trainee.position, cohort.name, cohort.place,
        "Петя Иванова", certificate.number, "Модул за практиката", certificate.organisation.name_bg,
    ):  # fmt: skip
        assert secret not in page, secret
    for other in trainee.cohort.trainees.exclude(pk=trainee.pk):
        assert other.full_name not in page and other.email not in page


def test_a_revoked_certificate_is_said_to_be_revoked(anonymous, trainer, certificate):
    certificate_revoke(
        actor=trainer, certificate=certificate, reason="Издаден по грешка.", expected_version=1
    )
    response = _page(anonymous, certificate)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-state="revoked"' in page
    assert 'data-state="genuine"' not in page
    assert "Издаден по грешка" not in page  # the reason stays inside
    assert "noindex" in response["X-Robots-Tag"]


def test_an_unknown_or_malformed_code_is_a_404_that_says_so(anonymous, certificate):
    for code in (new_code(), "not-a-code", certificate.code[:-1] + "Z" * 1):
        if code == certificate.code:
            continue
        response = _page(anonymous, code)
        assert response.status_code == 404
        assert 'data-state="unknown"' in response.content.decode()
        assert "Мария Стоянова" not in response.content.decode()


def test_a_code_typed_from_paper_leads_to_its_page(anonymous, certificate):
    typed = "-".join(certificate.code[i : i + 5] for i in range(0, 20, 5)).lower()
    response = anonymous.get(reverse("training:verify_lookup"), {"code": typed})
    assert response.status_code == 302 and response.url == certificate.verification_url()
    bad = anonymous.get(reverse("training:verify_lookup"), {"code": "12345"})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()


def test_each_address_may_check_a_limited_number_of_codes(anonymous, certificate, monkeypatch):
    monkeypatch.setattr(public, "LOOKUPS_PER_WINDOW", 3)
    statuses = [_page(anonymous, new_code()).status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    response = _page(anonymous, certificate)
    assert response.status_code == 429 and response["Retry-After"]
    assert "Мария Стоянова" not in response.content.decode()


def test_a_public_check_is_in_the_audit_trail(anonymous, certificate):
    _page(anonymous, certificate)
    event = AuditEvent.objects.get(
        object_type="training.certificate", object_id=str(certificate.pk), action=AuditAction.VIEW
    )
    assert event.actor_id is None and event.actor_label == "public verification"
