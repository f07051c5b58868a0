"""Groups, the SOS line, street and field work in the route harness (tests/test_routes.py).

None of these records hangs off a case: they are seen through their unit by the roles with
``line.view``, ``group.view`` and ``outreach.view`` (the people who do the work, the director,
the DPO and auditors), and changed by those with ``line.log``, ``group.manage`` and
``outreach.record``. The street team (field workers) opens a case from street work
(``outreach.open_case``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.routes import BOTH, POST, RecordKind, Route, World


def _call(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services.calls import call_log

    return call_log(
        actor=world.worker, unit=world.cop, started_at=timezone.now(), category="parenting",
        subcategory="behaviour", advice="Разговор за границите.",
    )  # fmt: skip


def _group(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services.groups import group_create, group_member_add

    group = group_create(
        actor=world.worker, unit=world.cop, name="Необикновени родители", meets="вторник 17:30"
    )
    group_member_add(actor=world.worker, group=group, first_name="Мария")
    return group


def _group_session(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services.groups import group_session_create

    return group_session_create(
        actor=world.worker, group=_group(world, restricted), held_on=timezone.localdate(),
        topic="Гневът на детето",
    )  # fmt: skip


def _outreach_session(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services.outreach import outreach_session_create

    return outreach_session_create(
        actor=world.worker, unit=world.cop, place="гара Русе", starts_at=timezone.now()
    )


def _street_child(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services.outreach import outreach_contact_record

    contact = outreach_contact_record(
        actor=world.worker, session=_outreach_session(world, restricted),
        description="момче, ~12 г., гара Русе", nickname="Малкия", age=12,
    )  # fmt: skip
    return contact.person


def _named_street_child(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services.outreach import outreach_contact_record

    contact = outreach_contact_record(
        actor=world.worker, session=_outreach_session(world, restricted),
        description="момиче, ~14 г., пазара", first_name="Ани", age=14,
    )  # fmt: skip
    return contact.person


RECORDS: dict[str, RecordKind] = {
    "call": RecordKind(_call, "line.view"),
    "group": RecordKind(_group, "group.view"),
    "group_session": RecordKind(_group_session, "group.view"),
    "outreach_session": RecordKind(_outreach_session, "outreach.view"),
    "street_child": RecordKind(_street_child, "outreach.view"),
    "named_street_child": RecordKind(_named_street_child, "outreach.view"),
}


def _now() -> str:
    return timezone.localtime().strftime("%d.%m.%Y %H:%M")


def _today() -> str:
    return timezone.localdate().strftime("%d.%m.%Y")


ROUTES: dict[str, Route] = {
    "programmes:line": Route(None, right="line.view"),
    "programmes:line_figures": Route(None, right="line.view"),
    "programmes:call_new": Route(
        None,
        right="line.log",
        methods=BOTH,
        post=lambda w, r: {
            "started_at": _now(),
            "duration_minutes": 12,
            "channel": "phone",
            "caller_kind": "parent",
            "concern": "family/conflict",
            "anonymous": "on",
            "unit": w.cop.pk,
        },
    ),
    "programmes:non_contact": Route(
        None, right="line.log", methods=POST, post=lambda w, r: {"kind": "silent"}
    ),
    "programmes:call": Route("call", audits_view=True),
    "programmes:call_referral": Route(
        "call",
        right="line.log",
        methods=BOTH,
        post=lambda w, r: {
            "unit": w.cop.pk,
            "description": "момиче, ~6 г., кв. Дружба",
            "age": 6,
            "reason": "Майката моли за подкрепа.",
        },
    ),
    "programmes:groups": Route(None, right="group.view"),
    "programmes:group_new": Route(
        None,
        right="group.manage",
        methods=BOTH,
        post=lambda w, r: {"name": "Група", "unit": w.cop.pk, "facilitators": [w.worker.pk]},
    ),
    "programmes:group": Route("group", audits_view=True),
    "programmes:group_member_new": Route(
        "group", right="group.manage", methods=BOTH, post=lambda w, r: {"first_name": "Петя"}
    ),
    "programmes:group_session_new": Route(
        "group",
        right="group.manage",
        methods=BOTH,
        post=lambda w, r: {"held_on": _today(), "topic": "Сънят", "duration_minutes": 90},
    ),
    "programmes:group_attendance": Route(
        "group_session",
        post_right="group.manage",
        methods=BOTH,
        audits_view=True,
        post=lambda w, r: {
            "version": r.version,
            "attended": list(r.group.members.values_list("pk", flat=True)),
        },
    ),
    "programmes:outreach": Route(None, right="outreach.view"),
    "programmes:outreach_session_new": Route(
        None,
        right="outreach.record",
        methods=BOTH,
        post=lambda w, r: {
            "kind": "street",
            "unit": w.cop.pk,
            "place": "Автогара Юг",
            "starts_at": _now(),
            "duration_minutes": 120,
            "headcount": 0,
        },
    ),
    "programmes:outreach_session": Route("outreach_session", audits_view=True),
    "programmes:outreach_contact_new": Route(
        "outreach_session",
        right="outreach.record",
        methods=BOTH,
        post=lambda w, r: {"description": "момче, ~10 г., парка", "sex": "male", "age": 10},
    ),
    "programmes:outreach_person": Route("street_child", audits_view=True),
    "programmes:drop_in_new": Route(
        "street_child",
        right="outreach.record",
        methods=BOTH,
        post=lambda w, r: {"visited_on": _today(), "meal": "on", "shower": "on"},
    ),
    "programmes:outreach_identify": Route(
        "street_child",
        right="person.edit",
        methods=BOTH,
        post=lambda w, r: {
            "first_name": "Иван",
            "last_name": "Иванов",
            "birth_date": (timezone.localdate() - dt.timedelta(days=12 * 365)).strftime("%d.%m.%Y"),
            "version": r.version,
        },
    ),
    "programmes:outreach_case_new": Route(
        "named_street_child",
        right="outreach.open_case",
        methods=BOTH,
        post=lambda w, r: {"unit": w.cop.pk, "reason": "Среща на улицата, нужда от подкрепа."},
    ),
}
