from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import (
    ContractFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UnitFactory,
    member,
)
from zakrila.accounts.models import Role
from zakrila.organisations.models import Contract, UnitKind
from zakrila.organisations.validators import normalise_eik


@pytest.mark.parametrize("value", ["175074752", "BG 175 074 752", "175074752"])
def test_a_valid_eik_is_accepted_and_compacted(value):
    assert normalise_eik(value) == "175074752"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("17507475A", "само цифри"),
        ("1750747", "9 цифри"),
        ("175074751", "контролната цифра"),
    ],
)
def test_a_bad_eik_is_refused_with_a_bulgarian_message(value, message):
    with pytest.raises(ValidationError) as error:
        normalise_eik(value)
    assert message in error.value.messages[0]


def test_emergency_reception_must_be_part_of_a_community_support_centre(org):
    street = UnitFactory(organisation=org, kind=UnitKind.STREET_CHILDREN)
    unit = UnitFactory.build(
        organisation=org, kind=UnitKind.EMERGENCY_RECEPTION, parent=street, code="СП"
    )
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "parent" in error.value.message_dict
    cop = UnitFactory(organisation=org, kind=UnitKind.COMMUNITY_SUPPORT)
    unit.parent = cop
    unit.full_clean()


def test_a_parent_unit_of_another_organisation_is_refused(org, other_org):
    foreign = UnitFactory(organisation=other_org)
    unit = UnitFactory.build(organisation=org, parent=foreign, code="X1")
    with pytest.raises(ValidationError):
        unit.full_clean()


def test_the_database_refuses_a_contract_that_ends_before_it_starts(org):
    import datetime as dt

    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(
            organisation=org, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2025, 1, 1)
        )
    contract = Contract(
        organisation=org,
        municipality="Русе",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2025, 1, 1),
        funded_capacity=3,
    )
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert "след" in " ".join(error.value.messages)


def test_unit_codes_are_unique_within_an_organisation_only(org, other_org):
    UnitFactory(organisation=org, code="ЦОП")
    UnitFactory(organisation=other_org, code="ЦОП")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(organisation=org, code="ЦОП")


def test_case_manager_sees_own_units_and_nothing_of_another_organisation(
    client, case_manager, cop, other_org
):
    foreign = UnitFactory(organisation=other_org, name="Чужд център")
    client.force_login(case_manager)
    content = client.get(reverse("organisations:unit_list")).content.decode()
    assert cop.name in content
    assert foreign.name not in content
    assert client.get(cop.get_absolute_url()).status_code == 200
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert client.get(other_org.get_absolute_url()).status_code == 404


def test_every_record_page_of_another_organisation_is_404(client, case_manager, other_org):
    unit = UnitFactory(organisation=other_org)
    programme = ProgrammeFactory(unit=unit)
    contract = ContractFactory(organisation=other_org)
    client.force_login(case_manager)
    for record in (other_org, unit, programme, contract):
        assert client.get(record.get_absolute_url()).status_code == 404, record


def test_a_member_limited_to_units_sees_only_those(client, org, cop):
    pink = UnitFactory(
        organisation=org, kind=UnitKind.FAMILY_TYPE_PLACEMENT, name="Розова къща", code="ЦНСТ"
    )
    carer = member(org, Role.CARER, units=[pink])
    client.force_login(carer)
    assert client.get(pink.get_absolute_url()).status_code == 200
    assert client.get(cop.get_absolute_url()).status_code == 404


def test_contracts_are_refused_to_a_carer_with_a_bulgarian_reason(client, org):
    contract = ContractFactory(organisation=org)
    carer = member(org, Role.CARER)
    director = member(org, Role.DIRECTOR)
    client.force_login(carer)
    response = client.get(contract.get_absolute_url())
    assert response.status_code == 403
    assert "Договорите виждат само" in response.content.decode()
    assert client.get(reverse("organisations:contract_list")).status_code == 403
    client.force_login(director)
    assert client.get(contract.get_absolute_url()).status_code == 200


def test_unit_list_query_count_does_not_grow_with_units(
    client, case_manager, org, django_assert_max_num_queries
):
    client.force_login(case_manager)
    for n in range(3):
        UnitFactory(organisation=org, code=f"A{n}")
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("organisations:unit_list"))
    for n in range(20):
        UnitFactory(organisation=org, code=f"B{n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("organisations:unit_list"))


def test_organisation_name_follows_the_language(org):
    from django.utils import translation

    with translation.override("en"):
        assert str(org) == "Zakrila Association"
    with translation.override("bg"):
        assert str(org) == "Сдружение „Закрила“"


def test_eik_is_unique(db):
    OrganisationFactory(eik="175074752")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(eik="175074752")


def test_every_refusal_is_in_the_audit_trail(client, case_manager, other_org, org):
    from zakrila.audit.models import AuditAction, AuditEvent

    foreign = UnitFactory(organisation=other_org)
    carer = member(org, Role.CARER)
    client.force_login(case_manager)
    client.get(foreign.get_absolute_url())
    refusal = AuditEvent.objects.get(action=AuditAction.DENIED, actor=case_manager)
    assert refusal.details == {
        "path": foreign.get_absolute_url(),
        "route": "organisations:unit",
        "status": 404,
    }
    assert refusal.organisation_id == org.pk
    client.force_login(carer)
    client.get(reverse("organisations:contract_list"))
    assert AuditEvent.objects.get(action=AuditAction.DENIED, actor=carer).details["status"] == 403
