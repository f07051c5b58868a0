"""Simultaneous admissions on PostgreSQL, in real transactions from many threads: one child is
never in two beds, one bed never holds two children — the database refuses what the service's
check cannot see (the other transaction has not committed yet), and the refusal is the same
plain message the service gives."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from tests.placements.conftest import bed_of, night, open_case
from zakrila.accounts.models import User
from zakrila.cases.models import Case
from zakrila.placements import services
from zakrila.placements.models import Bed, Placement
from zakrila.placements.services import placement_admit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the embedded SQLite serialises writers (IMMEDIATE transactions); "
        "the race exists only with concurrent writers",
    ),
]

ATTEMPTS = 20


def _admit_at_once(attempts: list[tuple[int, int]], actor_id: int) -> list[object]:
    """Run ``placement_admit`` for each (case, bed) in its own thread and transaction, all
    released at the same moment. Returns a placement or the exception, per attempt."""
    results: list[object] = [None] * len(attempts)
    barrier = threading.Barrier(len(attempts))
    admitted_at = night(1)

    def attempt(index: int, case_id: int, bed_id: int) -> None:
        try:
            actor = User.objects.get(pk=actor_id)
            case = Case.objects.get(pk=case_id)
            bed = Bed.objects.get(pk=bed_id)
            barrier.wait(timeout=30)
            results[index] = placement_admit(
                actor=actor, case=case, bed=bed, legal_basis="police", admitted_at=admitted_at
            )
        except Exception as error:  # the test inspects every outcome
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(index, case_id, bed_id))
        for index, (case_id, bed_id) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _refusals(results: list[object]) -> list[str]:
    messages = []
    for result in results:
        if isinstance(result, Placement):
            continue
        assert isinstance(result, ValidationError), repr(result)
        messages.append(" ".join(result.messages))
    return messages


def test_twenty_simultaneous_admissions_of_one_child_into_two_units_place_the_child_once(
    org, emergency, pink_house, case_manager, director
):
    case = open_case(org, emergency, case_manager)
    beds = [bed_of(emergency, "Легло 1").pk, bed_of(pink_house, "Стая 1").pk]
    results = _admit_at_once([(case.pk, beds[index % 2]) for index in range(ATTEMPTS)], director.pk)
    assert Placement.objects.filter(person=case.person).count() == 1
    assert sum(isinstance(result, Placement) for result in results) == 1
    refusals = _refusals(results)
    assert len(refusals) == ATTEMPTS - 1
    assert all("никога не е в две легла" in message for message in refusals), refusals


def test_twenty_simultaneous_admissions_of_different_children_into_one_bed_fill_it_once(
    org, emergency, case_manager, director
):
    cases = [open_case(org, emergency, case_manager, f"Дете{n}") for n in range(ATTEMPTS)]
    bed = bed_of(emergency, "Легло 1").pk
    results = _admit_at_once([(case.pk, bed) for case in cases], director.pk)
    assert Placement.objects.filter(bed_id=bed).count() == 1
    refusals = _refusals(results)
    assert len(refusals) == ATTEMPTS - 1
    assert all("Леглото е заето" in message for message in refusals), refusals


def test_the_database_itself_refuses_a_second_bed_for_a_child_and_a_second_child_for_a_bed(
    org, emergency, pink_house, case_manager, director
):
    """Written past the service (as a bulk import or a bug would): the exclusion constraints
    hold on their own."""
    first = placement_admit(
        actor=director,
        case=open_case(org, emergency, case_manager),
        bed=bed_of(emergency, "Легло 1"),
        legal_basis="court",
        admitted_at=night(3),
    )
    other_case = open_case(org, emergency, case_manager, "Боби")

    def raw(**fields: object) -> None:
        values = {
            "organisation_id": org.pk, "person": first.person, "case": first.case,
            "unit": emergency, "bed": bed_of(emergency, "Легло 2"), "legal_basis": "court",
            "admitted_at": night(1), **fields,
        }  # fmt: skip
        with transaction.atomic():
            Placement.objects.bulk_create([Placement(**values)])

    with pytest.raises(IntegrityError, match="placement_person_one_bed_at_a_time"):
        raw(unit=pink_house, bed=bed_of(pink_house, "Стая 1"))
    with pytest.raises(IntegrityError, match="placement_bed_one_child_at_a_time"):
        raw(person=other_case.person, case=other_case, bed=first.bed)
    # A stay that ended before the next began shares no moment with it: [admitted, discharged).
    services.placement_discharge(
        actor=director,
        placement=first,
        discharged_at=night(2),
        destination="family",
        expected_version=first.version,
    )
    raw(person=other_case.person, case=other_case, bed=first.bed, admitted_at=night(2))
    assert Placement.objects.filter(bed=first.bed).count() == 2
