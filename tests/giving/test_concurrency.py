"""Two distributions of the last things in a store at the same moment, on PostgreSQL, in real
transactions from two threads: one is handed over, the other refused, and the stock is never
below zero. Two bookings of one volunteer at once: one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from tests.giving.conftest import in_month, receive
from zakrila.accounts.models import User
from zakrila.giving.models import Distribution, StockLot, StockMovement, Store
from zakrila.giving.services import GivenLine, distribution_make
from zakrila.people.models import Household

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the embedded SQLite serialises writers; the race exists only with concurrent writers",
    ),
]


def _at_once(calls: list[Callable[[], object]]) -> list[object]:
    results: list[object] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = calls[index]()
        except Exception as error:  # the test inspects every outcome
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_distributions_of_the_last_things_one_wins(
    coordinator, director, store, nappies, family
):
    receive(coordinator, store, (nappies, "3", "10", None))
    receive(coordinator, store, (nappies, "2", "10", None))  # the last 5 packs, in two lots

    def hand_over(actor_id: int, quantity: str) -> Callable[[], object]:
        return lambda: distribution_make(
            actor=User.objects.get(pk=actor_id), store=Store.objects.get(pk=store.pk),
            household=Household.objects.get(pk=family.pk), distributed_on=timezone.localdate(),
            lines=[GivenLine(item=nappies, quantity=Decimal(quantity))],
        )  # fmt: skip

    results = _at_once([hand_over(coordinator.pk, "4"), hand_over(director.pk, "4")])
    handed = [r for r in results if isinstance(r, Distribution)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(handed) == 1 and len(refused) == 1, results
    assert "Нищо не е предадено" in " ".join(refused[0].messages)
    left = sum(lot.quantity for lot in StockLot.objects.filter(item=nappies))
    assert left == 1
    assert all(lot.quantity >= 0 for lot in StockLot.objects.all())
    assert sum(m.quantity for m in StockMovement.objects.filter(lot__item=nappies)) == 1
    assert Distribution.objects.count() == 1


def test_many_distributions_at_once_never_take_more_than_there_is(
    coordinator, director, store, flour, family
):
    receive(coordinator, store, (flour, "10", "1", in_month(60)))

    def hand_over(actor_id: int) -> Callable[[], object]:
        return lambda: distribution_make(
            actor=User.objects.get(pk=actor_id), store=Store.objects.get(pk=store.pk),
            household=Household.objects.get(pk=family.pk), distributed_on=timezone.localdate(),
            lines=[GivenLine(item=flour, quantity=Decimal(3))],
        )  # fmt: skip

    results = _at_once([hand_over(coordinator.pk), hand_over(director.pk)] * 3)
    handed = [r for r in results if isinstance(r, Distribution)]
    assert len(handed) == 3, results
    assert StockLot.objects.get(item=flour).quantity == 1


def test_two_bookings_of_one_volunteer_at_once_one_wins(coordinator, director, org, cop):
    import datetime as dt

    from zakrila.giving.models import Assignment, Volunteer, VolunteerNeed
    from zakrila.giving.services import assignment_make, need_create, volunteer_create

    start = timezone.now() + dt.timedelta(days=2)
    needs = [
        need_create(
            actor=coordinator,
            unit=cop,
            title=title,
            starts_at=start + dt.timedelta(hours=h),
            ends_at=start + dt.timedelta(hours=h + 3),
            with_children=False,
        )
        for title, h in (("Склад", 0), ("Кухня", 1))
    ]
    volunteer = volunteer_create(
        actor=coordinator, organisation_id=org.pk, full_name="Ива Илиева",
        consent_on=timezone.localdate(),
    )  # fmt: skip

    def book(actor_id: int, need_id: int) -> Callable[[], object]:
        return lambda: assignment_make(
            actor=User.objects.get(pk=actor_id), need=VolunteerNeed.objects.get(pk=need_id),
            volunteer=Volunteer.objects.get(pk=volunteer.pk),
        )  # fmt: skip

    results = _at_once([book(coordinator.pk, needs[0].pk), book(director.pk, needs[1].pk)])
    assert len([r for r in results if isinstance(r, Assignment)]) == 1, results
    assert len([r for r in results if isinstance(r, ValidationError)]) == 1, results
    assert Assignment.objects.count() == 1


def test_the_database_refuses_a_double_booking_the_service_did_not_see(coordinator, org, cop):
    import datetime as dt

    from django.db import IntegrityError

    from zakrila.giving.models import Assignment
    from zakrila.giving.services import assignment_make, need_create, volunteer_create

    start = timezone.now() + dt.timedelta(days=2)
    need = need_create(
        actor=coordinator, unit=cop, title="Склад", starts_at=start,
        ends_at=start + dt.timedelta(hours=3), with_children=False, people_needed=3,
    )  # fmt: skip
    volunteer = volunteer_create(
        actor=coordinator, organisation_id=org.pk, full_name="Ива Илиева",
        consent_on=timezone.localdate(),
    )  # fmt: skip
    first = assignment_make(actor=coordinator, need=need, volunteer=volunteer)
    with pytest.raises(IntegrityError):
        Assignment.objects.create(
            organisation=org, need=need, volunteer=volunteer,
            starts_at=first.starts_at + dt.timedelta(hours=1), ends_at=first.ends_at,
        )  # fmt: skip
