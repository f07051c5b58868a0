"""Dates that cannot be right are refused with a plain Bulgarian message, in the model's check
that every form, import and service goes through (zakrila.core.plausible)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import PersonFactory
from zakrila.cases.models import Contact
from zakrila.cases.services import case_open, contact_record, referral_register
from zakrila.cases.services.plans import annex_record, contract_record
from zakrila.people.models import Person
from zakrila.people.services import consent_record, person_create

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _bulgarian():
    with translation.override("bg"):
        yield


@pytest.fixture
def child(org, cop):
    return PersonFactory(organisation=org, unit=cop, first_name="Ивана", last_name="Колева")


@pytest.fixture
def case(case_manager, cop, child):
    return case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="консултация",
    )  # fmt: skip


def _refusal(call, field):
    with pytest.raises(ValidationError) as refused:
        call()
    return " ".join(refused.value.message_dict[field])


def _person(actor, org, **data):
    return person_create(
        actor=actor,
        organisation_id=org.pk,
        data={"first_name": "Мария", "last_name": "Петрова", **data},
    )


# --- Birth and death ---------------------------------------------------------------------------


def test_a_birth_before_1900_is_refused(case_manager, org):
    message = _refusal(
        lambda: _person(case_manager, org, birth_date=dt.date(1800, 1, 1)), "birth_date"
    )
    assert message == "Датата на раждане (01.01.1800) е преди 01.01.1900: проверете годината."
    assert not Person.objects.filter(first_name="Мария").exists()


def test_a_birth_in_the_future_is_refused(case_manager, org):
    tomorrow = TODAY() + dt.timedelta(days=1)
    message = _refusal(lambda: _person(case_manager, org, birth_date=tomorrow), "birth_date")
    assert message.startswith("Датата на раждане") and "е в бъдещето" in message


def test_a_birth_in_1900_and_today_are_accepted(case_manager, org):
    assert _person(case_manager, org, birth_date=dt.date(1900, 1, 1)).pk
    assert _person(case_manager, org, birth_date=TODAY()).pk


def test_a_death_before_the_birth_is_refused(case_manager, org):
    message = _refusal(
        lambda: _person(
            case_manager, org, birth_date=dt.date(2010, 5, 1), is_deceased=True,
            deceased_on=dt.date(2009, 1, 1),
        ),
        "deceased_on",
    )  # fmt: skip
    assert message == "Датата на смъртта е преди датата на раждане."


def test_a_death_in_the_future_is_refused(case_manager, org):
    later = TODAY() + dt.timedelta(days=3)
    message = _refusal(
        lambda: _person(case_manager, org, is_deceased=True, deceased_on=later), "deceased_on"
    )
    assert message.startswith("Датата на смъртта") and "е в бъдещето" in message


def test_the_person_form_shows_the_refusal_and_keeps_what_was_typed(client, case_manager, cop):
    client.force_login(case_manager)
    response = client.post(
        reverse("people:create"),
        {"first_name": "Мария", "last_name": "Петрова", "sex": "female", "birth_date": "01.01.1800",
         "birth_date_precision": "exact", "identification_status": "identified", "unit": cop.pk,
         "citizenship": "България"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "преди 01.01.1900: проверете годината" in page
    assert 'value="Мария"' in page
    assert not Person.objects.filter(first_name="Мария").exists()


# --- Contacts ----------------------------------------------------------------------------------


def _contact(case, actor, **extra):
    data = {"kind": "home_visit", "occurred_at": timezone.now(), "duration_minutes": 45}
    return contact_record(actor=actor, case=case, **{**data, **extra})


def test_a_contact_in_the_future_is_refused(case, case_manager):
    later = timezone.now() + dt.timedelta(days=3 * 365)  # not a fixed year: the suite runs on
    message = _refusal(lambda: _contact(case, case_manager, occurred_at=later), "occurred_at")
    assert message.startswith("Датата на контакта") and "е в бъдещето" in message
    assert not Contact.objects.exists()


def test_a_contact_a_few_minutes_ahead_of_our_clock_is_accepted(case, case_manager):
    # A tablet's clock a little ahead of the server's is not an error.
    assert _contact(case, case_manager, occurred_at=timezone.now() + dt.timedelta(minutes=3)).pk


@pytest.mark.parametrize("minutes", [0, -5])
def test_a_contact_of_no_time_is_refused(case, case_manager, minutes):
    message = _refusal(
        lambda: _contact(case, case_manager, duration_minutes=minutes), "duration_minutes"
    )
    assert "поне една минута" in message


def test_the_contact_form_shows_the_refusal_on_the_field(client, case, case_manager):
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:contact_new", args=[case.pk]),
        {"kind": "home_visit", "occurred_at": "27.11.2030 10:00", "duration_minutes": "0",
         "staff": [case_manager.pk], "note": "", "is_confidential": "on"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "е в бъдещето" in page
    assert not Contact.objects.exists()


# --- Referrals ---------------------------------------------------------------------------------


def _referral(case_manager, cop, child, **dates):
    return referral_register(
        actor=case_manager, unit=cop, person=child, source="child_protection",
        reason="риск", document_number="ДСП-1", **dates,
    )  # fmt: skip


def test_a_referral_received_before_its_document_was_dated_is_refused(case_manager, cop, child):
    message = _refusal(
        lambda: _referral(
            case_manager,
            cop,
            child,
            document_date=dt.date(2026, 11, 10),
            received_on=dt.date(2026, 11, 2),
        ),
        "received_on",
    )
    assert message == "Насочването е получено преди датата на документа: проверете двете дати."


def test_a_referral_received_in_the_future_is_refused(case_manager, cop, child):
    later = TODAY() + dt.timedelta(days=1)
    message = _refusal(
        lambda: _referral(case_manager, cop, child, received_on=later), "received_on"
    )
    assert "е в бъдещето" in message


def test_a_referral_whose_document_is_dated_in_the_future_is_refused(case_manager, cop, child):
    later = TODAY() + dt.timedelta(days=5)
    message = _refusal(
        lambda: _referral(case_manager, cop, child, received_on=TODAY(), document_date=later),
        "document_date",
    )
    assert "е в бъдещето" in message


def test_a_referral_received_the_day_its_document_was_written_is_accepted(case_manager, cop, child):
    assert _referral(case_manager, cop, child, document_date=TODAY(), received_on=TODAY()).pk


# --- Cases, plans, contracts, consents -----------------------------------------------------------


def test_a_case_opened_in_the_future_is_refused(case_manager, cop, child):
    later = TODAY() + dt.timedelta(days=2)
    message = _refusal(
        lambda: case_open(
            actor=case_manager, unit=cop, person=child, key_worker=case_manager,
            without_referral_reason="консултация", opened_on=later,
        ),
        "opened_on",
    )  # fmt: skip
    assert message.startswith("Датата на откриване") and "е в бъдещето" in message


def test_a_case_opened_in_1926_is_refused(case_manager, cop, child):
    message = _refusal(
        lambda: case_open(
            actor=case_manager, unit=cop, person=child, key_worker=case_manager,
            without_referral_reason="консултация", opened_on=dt.date(1926, 11, 27),
        ),
        "opened_on",
    )  # fmt: skip
    assert "проверете годината" in message


def test_a_contract_signed_in_the_future_is_refused(case, case_manager):
    later = TODAY() + dt.timedelta(days=10)
    message = _refusal(
        lambda: contract_record(
            actor=case_manager, case=case, number="Д-1", signed_on=later, starts_on=later
        ),
        "signed_on",
    )
    assert message.startswith("Датата на подписване") and "е в бъдещето" in message


def test_a_contract_may_start_after_it_is_signed(case, case_manager):
    contract = contract_record(
        actor=case_manager, case=case, number="Д-1", signed_on=TODAY(),
        starts_on=TODAY() + dt.timedelta(days=10),
    )  # fmt: skip
    later = TODAY() + dt.timedelta(days=1)
    message = _refusal(
        lambda: annex_record(
            actor=case_manager, contract=contract, number="1", signed_on=later, summary="удължаване"
        ),
        "signed_on",
    )
    assert "е в бъдещето" in message


def test_a_consent_given_in_the_future_is_refused(case_manager, org, child):
    later = TODAY() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        consent_record(
            actor=case_manager, person=child, given_by=child, purpose="обработка",
            legal_basis="consent", given_on=later,
        )  # fmt: skip
    assert "е в бъдещето" in " ".join(refused.value.message_dict["given_on"])
