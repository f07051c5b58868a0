"""Donations and volunteers' routes for the route harness (tests/test_routes.py).

Their records hang off no case: they are seen by the roles with ``giving.view`` (the giving
coordinator, the director, the DPO and auditors) and changed by those with ``giving.manage``
(the coordinator and the director). Case workers see the distributions to their cases on the
case page (tests/giving/test_access.py), not here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.factories import HouseholdFactory, PersonFactory
from tests.routes import BOTH, POST, RecordKind, Route, World
from zakrila.accounts.models import Role

_numbers = itertools.count(1)

SEE = "giving.view"
MANAGE = "giving.manage"


def _coordinator(world: World) -> Any:
    return world.roles[Role.GIVING_COORDINATOR]


def _day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _store(world: World, restricted: bool) -> Any:
    from zakrila.giving.services import store_create

    return store_create(
        actor=_coordinator(world), organisation_id=world.org.pk, name=f"Склад {next(_numbers)}",
        unit=world.cop,
    )  # fmt: skip


def _item(world: World) -> Any:
    from zakrila.giving.services import item_create

    return item_create(
        actor=_coordinator(world), organisation_id=world.org.pk, name=f"Ориз {next(_numbers)}",
        category="food", measure="kg",
    )  # fmt: skip


def _donor(world: World, restricted: bool) -> Any:
    from zakrila.giving.services import donor_create

    return donor_create(
        actor=_coordinator(world), organisation_id=world.org.pk, kind="company",
        name=f"„Дарител {next(_numbers)}“ ООД", eik="121000000",
    )  # fmt: skip


def _donation(world: World, restricted: bool) -> Any:
    from zakrila.giving.services import ReceivedLine, donation_receive

    return donation_receive(
        actor=_coordinator(world), store=_store(world, restricted), donor=_donor(world, False),
        received_on=timezone.localdate(),
        lines=[ReceivedLine(item=_item(world), quantity=Decimal(10), unit_value=Decimal(2),
                            expires_on=timezone.localdate() + dt.timedelta(days=60))],
    )  # fmt: skip


def _lot(world: World, restricted: bool) -> Any:
    return _donation(world, restricted).lots.get()


def _household(world: World) -> Any:
    child = PersonFactory(organisation=world.org, unit=world.cop)
    return HouseholdFactory(child=child, organisation=world.org, name="Семейство Раздадени")


def _distribution(world: World, restricted: bool) -> Any:
    from zakrila.giving.services import GivenLine, distribution_make

    lot = _lot(world, restricted)
    return distribution_make(
        actor=_coordinator(world), store=lot.store, household=_household(world),
        distributed_on=timezone.localdate(), lines=[GivenLine(item=lot.item, quantity=Decimal(3))],
    )  # fmt: skip


def _stocked_store(world: World, restricted: bool) -> Any:
    return _lot(world, restricted).store


def _money(world: World, restricted: bool) -> Any:
    from zakrila.giving.services import money_donation_record

    return money_donation_record(
        actor=_coordinator(world), donor=_donor(world, restricted),
        received_on=timezone.localdate(), amount=Decimal("250.00"), method="bank",
        purpose="за Розовата къща",
    )  # fmt: skip


def _volunteer(world: World, restricted: bool) -> Any:
    from zakrila.giving.services import volunteer_create

    return volunteer_create(
        actor=_coordinator(world), organisation_id=world.org.pk,
        full_name=f"Доброволка {next(_numbers)}", consent_on=timezone.localdate(),
        record_certificate_number="77",
        record_certificate_on=timezone.localdate() - dt.timedelta(days=60),
    )  # fmt: skip


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _need(world: World, restricted: bool) -> Any:
    from zakrila.giving.services import need_create

    n = next(_numbers)
    return need_create(
        actor=_coordinator(world), unit=world.cop, title=f"Занимания {n}",
        starts_at=_at(-1 - n % 20, 9), ends_at=_at(-1 - n % 20, 12), people_needed=3,
    )  # fmt: skip


def _assignment(world: World, restricted: bool) -> Any:
    """An assignment that started three hours ago (so that its hours can be recorded)."""
    from zakrila.giving.services import assignment_make

    return assignment_make(
        actor=_coordinator(world), need=_need(world, restricted), volunteer=_volunteer(world, False)
    )


RECORDS: dict[str, RecordKind] = {
    "giving_volunteer": RecordKind(_volunteer, SEE),
    "giving_need": RecordKind(_need, SEE),
    "giving_assignment": RecordKind(_assignment, SEE),
    "giving_donor": RecordKind(_donor, SEE),
    "giving_money": RecordKind(_money, SEE),
    "giving_store": RecordKind(_stocked_store, SEE),
    "giving_lot": RecordKind(_lot, SEE),
    "giving_donation": RecordKind(_donation, SEE),
    "giving_distribution": RecordKind(_distribution, SEE),
}


def _new_donation(world: World, record: Any) -> dict[str, Any]:
    return {
        "store": _store(world, False).pk, "donor": "", "received_on": _day(timezone.localdate()),
        "handed_over_by_name": "Иван Иванов", "note": "",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-item": _item(world).pk, "lines-0-quantity": "5", "lines-0-unit_value": "3",
        "lines-0-expires_on": _day(timezone.localdate() + dt.timedelta(days=30)),
    }  # fmt: skip


def _new_distribution(world: World, record: Any) -> dict[str, Any]:
    lot = _lot(world, False)
    return {
        "store": lot.store_id, "household": _household(world).pk,
        "distributed_on": _day(timezone.localdate()), "received_by_name": "майката",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-item": lot.item_id, "lines-0-quantity": "2",
    }  # fmt: skip


ROUTES: dict[str, Route] = {
    "giving:index": Route(None, right=SEE),
    "giving:figures": Route(None, right=SEE),
    "giving:figures_xlsx": Route(None, right=SEE),
    "giving:store_new": Route(
        None,
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"name": f"Склад {next(_numbers)}", "unit": w.cop.pk, "address": ""},
    ),
    "giving:item_new": Route(
        None,
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"name": f"Боб {next(_numbers)}", "category": "food", "measure": "kg"},
    ),
    "giving:store": Route("giving_store"),
    "giving:lot_adjust": Route(
        "giving_lot",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"change": "-1", "reason": "damaged", "note": "скъсан плик"},
    ),
    "giving:donation_new": Route(None, right=MANAGE, methods=BOTH, post=_new_donation),
    "giving:donation": Route("giving_donation", audits_view=True),
    "giving:donation_pdf": Route("giving_donation"),
    "giving:distribution_new": Route(None, right=MANAGE, methods=BOTH, post=_new_distribution),
    "giving:distribution": Route("giving_distribution", audits_view=True),
    "giving:donors": Route(None, right=SEE),
    "giving:donations": Route(None, right=SEE),
    "giving:donations_xlsx": Route(None, right=SEE),
    "giving:donor_new": Route(
        None,
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"kind": "person", "name": "Елица Добрева", "wishes_to_be_named": "on"},
    ),
    "giving:donor": Route("giving_donor", audits_view=True),
    "giving:donor_edit": Route(
        "giving_donor",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "kind": "company",
            "name": r.name,
            "eik": r.eik,
            "keep_contact": "on",
            "consent_on": _day(timezone.localdate()),
            "email": "dar@example.bg",
            "version": r.version,
        },
    ),
    "giving:money_new": Route(
        "giving_donor",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "received_on": _day(timezone.localdate()),
            "amount": "100",
            "method": "cash",
            "purpose": "",
        },
    ),
    "giving:money": Route("giving_money", audits_view=True),
    "giving:money_pdf": Route("giving_money"),
    "giving:volunteers": Route(None, right=SEE),
    "giving:volunteer_new": Route(
        None,
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "full_name": "Калина Помагаева",
            "consent_on": _day(timezone.localdate()),
        },
    ),
    "giving:volunteer": Route("giving_volunteer", audits_view=True),
    "giving:volunteer_edit": Route(
        "giving_volunteer",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "full_name": r.full_name,
            "consent_on": _day(r.consent_on),
            "skills": "рисуване",
            "record_certificate_number": "78",
            "record_certificate_on": _day(timezone.localdate()),
            "version": r.version,
        },
    ),
    "giving:volunteer_letter": Route("giving_volunteer"),
    "giving:volunteer_hours": Route("giving_volunteer"),
    "giving:need_new": Route(
        None,
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "unit": w.cop.pk,
            "title": "Коледно тържество",
            "starts_at": _at(10, 15).strftime("%d.%m.%Y %H:%M"),
            "ends_at": _at(10, 18).strftime("%d.%m.%Y %H:%M"),
            "people_needed": "4",
            "with_children": "on",
        },
    ),
    "giving:need": Route(
        "giving_need",
        post_right=MANAGE,
        methods=BOTH,
        audits_view=True,
        post=lambda w, r: {"volunteer": _volunteer(w, False).pk},
    ),
    "giving:assignment_hours": Route(
        "giving_assignment",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"hours_done": "2.5", "version": r.version},
    ),
    "giving:assignment_cancel": Route(
        "giving_assignment", right=MANAGE, methods=POST, post=lambda w, r: {"version": r.version}
    ),
}
