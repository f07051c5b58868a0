"""One rule for what a role may see, applied to the person page and the data export alike:
what the exporting user may not see is marked as withheld, with the reason (issue 11, item 4)."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import member
from zakrila.accounts.policy import CAPABILITIES, WITHHELD_REASONS, withheld_fields
from zakrila.cases.services import case_open, contact_record

HEALTH = "Епилепсия, лекарства сутрин."


def _export(client, user, person, fmt="json"):
    client.force_login(user)
    response = client.get(reverse("people:export", args=[person.pk, fmt]))
    assert response.status_code == 200
    return response


def test_the_dpos_export_withholds_health_and_disability_notes_and_says_why(client, dpo, child):
    child.disability_notes = "Лека умствена изостаналост."
    child.save()
    data = json.loads(_export(client, dpo, child).content)
    reason = str(WITHHELD_REASONS["person.confidential"])
    assert "здравето" in reason or "здрав" in reason  # the reason is in Bulgarian
    for name in ("health_notes", "disability_notes"):
        assert data["person"][name] == {"withheld": True, "reason": reason}
    text = json.dumps(data, ensure_ascii=False)
    assert "Епилепсия" not in text and "изостаналост" not in text
    assert data["person"]["last_name"] == "Христова"  # the rest is there


def test_the_dpos_pdf_withholds_them_too(client, dpo, child):
    response = _export(client, dpo, child, "pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Епилепсия" not in text
    assert "скрито" in text
    assert "Христова" in text


def test_the_directors_export_has_everything(client, director, child):
    data = json.loads(_export(client, director, child).content)
    assert data["person"]["health_notes"] == HEALTH
    response = _export(client, director, child, "pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Епилепсия" in text


@pytest.mark.parametrize("role", sorted(CAPABILITIES["person.view"]))
def test_the_page_and_the_export_rule_agree_for_every_role(client, org, child, role):
    user = member(org, role, email=f"{role}@example.bg")
    may_see = role in CAPABILITIES["person.confidential"]
    assert (withheld_fields(user, child) == {}) is may_see
    client.force_login(user)
    page = client.get(child.get_absolute_url()).content.decode()
    assert ("Епилепсия" in page) is may_see
    if not may_see:
        assert str(WITHHELD_REASONS["person.confidential"]) in page


@pytest.fixture
def restricted_case(org, cop, case_manager, child):
    case = case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="x", is_restricted=True,
    )  # fmt: skip
    contact_record(
        actor=case_manager, case=case, kind="home_visit", occurred_at=timezone.now(),
        duration_minutes=30, note="Бележка от ограничения случай.", is_confidential=False,
    )  # fmt: skip
    return case


@pytest.fixture
def open_case(org, cop, case_manager, child):
    case = case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="x",
    )  # fmt: skip
    for note, confidential in (("Поверително: насилие вкъщи.", True), ("Посещение.", False)):
        contact_record(
            actor=case_manager, case=case, kind="home_visit", occurred_at=timezone.now(),
            duration_minutes=30, note=note, is_confidential=confidential,
        )  # fmt: skip
    return case


def test_a_restricted_case_and_a_confidential_note_are_withheld_from_the_dpo(
    client, dpo, child, restricted_case, open_case
):
    data = json.loads(_export(client, dpo, child).content)
    text = json.dumps(data, ensure_ascii=False)
    assert restricted_case.number not in text
    assert "ограничения случай" not in text
    assert {"withheld": True, "reason": str(WITHHELD_REASONS["case.restricted"])} in data["cases"]
    shown = next(row for row in data["cases"] if row.get("number") == open_case.number)
    notes = [contact["note"] for contact in shown["contacts"]]
    assert "Посещение." in notes
    assert {"withheld": True, "reason": str(WITHHELD_REASONS["case.confidential"])} in notes
    assert "насилие вкъщи" not in text


def test_the_director_exports_the_restricted_case_and_the_confidential_note(
    client, director, child, restricted_case, open_case
):
    text = json.dumps(json.loads(_export(client, director, child).content), ensure_ascii=False)
    assert restricted_case.number in text
    assert "Бележка от ограничения случай." in text
    assert "Поверително: насилие вкъщи." in text
    assert '"withheld"' not in text
