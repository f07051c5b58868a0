"""Street and field work: sessions, contacts (creating or recognising the anonymous person),
drop-in visits, identifying a child, and a case opened by the street team."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.cases.models import Case, CaseStatus
from zakrila.cases.services import case_open
from zakrila.organisations.models import Unit
from zakrila.people.models import BirthDatePrecision, IdentificationStatus, Person
from zakrila.people.services import person_alias_add, person_create, person_update
from zakrila.programmes.models import (
    DropInVisit,
    OutreachContact,
    OutreachKind,
    OutreachSession,
)

NICKNAME_SOURCE = "прякор"  # the source of a nickname among a person's other names


def _in_use(person: Person) -> None:
    """Meeting a person again is using their record: the retention period of anonymous
    contacts ("years after the last change") runs from the last meeting, not from the first.
    The version stays, so nobody's open form of the person becomes stale."""
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())


@transaction.atomic
def outreach_session_create(
    *,
    actor: User,
    unit: Unit,
    place: str,
    starts_at: dt.datetime,
    kind: str = OutreachKind.STREET,
    duration_minutes: int = 120,
    workers: Iterable[User] = (),
    topic: str = "",
    headcount: int = 0,
    notes: str = "",
) -> OutreachSession:
    """Record (or plan) a session of street work or a field health-education session."""
    if kind == OutreachKind.FIELD and not topic.strip():
        raise ValidationError(
            {"topic": _("Write the topic of the health-education session.")}, code="no_topic"
        )
    session = OutreachSession(
        organisation_id=unit.organisation_id, unit=unit, kind=kind, place=place,
        starts_at=starts_at, duration_minutes=duration_minutes, topic=topic,
        headcount=headcount, notes=notes, created_by=actor, updated_by=actor,
    )  # fmt: skip
    session.full_clean()
    session.save()
    session.workers.set({actor.pk, *(user.pk for user in workers)})
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=session,
        changes={"place": {"old": None, "new": place}, "kind": {"old": None, "new": kind}},
    )
    return session


def _anonymous_person(
    *, actor: User, unit: Unit, description: str, nickname: str, sex: str, age: int | None,
    first_name: str = "",
) -> Person:  # fmt: skip
    if not (description.strip() or first_name.strip() or nickname.strip()):
        raise ValidationError(
            {
                "description": _(
                    "Choose a child met before, or describe the new one (e.g. “момче, ~12 г., "
                    "гара Русе”)."
                )
            },
            code="no_person",
        )
    data: dict[str, Any] = {
        "first_name": first_name.strip(),
        "description": description.strip() or nickname.strip(),
        "sex": sex or "unknown",
        "unit": unit,
        "identification_status": (
            IdentificationStatus.PARTIAL if first_name.strip() else IdentificationStatus.ANONYMOUS
        ),
    }
    if age is not None:
        data["birth_date"] = dt.date(timezone.localdate().year - age, 7, 1)
        data["birth_date_precision"] = BirthDatePrecision.ESTIMATED
    person = person_create(actor=actor, organisation_id=unit.organisation_id, data=data)
    if nickname.strip():
        person_alias_add(
            actor=actor, person=person, first_name=nickname.strip(), source=NICKNAME_SOURCE
        )
    return person


@transaction.atomic
def outreach_contact_record(
    *,
    actor: User,
    session: OutreachSession,
    person: Person | None = None,
    description: str = "",
    nickname: str = "",
    first_name: str = "",
    sex: str = "",
    age: int | None = None,
    note: str = "",
) -> OutreachContact:
    """Record a person met in a session: one met before (recognised and linked, so their
    history is one), or a new one — for a child on the street usually anonymous, with a
    description, a nickname and an age guessed."""
    if person is None:
        person = _anonymous_person(
            actor=actor, unit=session.unit, description=description, nickname=nickname,
            sex=sex, age=age, first_name=first_name,
        )  # fmt: skip
    elif person.organisation_id != session.organisation_id:
        raise ValidationError(
            {"person": _("The person must belong to the same organisation.")}, code="cross_org"
        )
    if OutreachContact.objects.filter(session=session, person=person).exists():
        raise ValidationError(
            {"person": _("This person is already recorded in this session.")}, code="twice"
        )
    contact = OutreachContact(
        organisation_id=session.organisation_id, session=session, person=person, note=note,
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    contact.full_clean()
    contact.save()
    _in_use(person)
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=contact,
        person_id=person.pk,
        changes={"note": {"old": None, "new": "changed"}} if note else {},
        details={"session": session.pk},
    )
    return contact


@transaction.atomic
def drop_in_record(
    *,
    actor: User,
    unit: Unit | None,
    person: Person,
    visited_on: dt.date,
    services: Iterable[str] = (),
    note: str = "",
) -> DropInVisit:
    """A child came to the centre: what they had (a meal, a shower, clothes, a talk)."""
    if unit is None:
        raise ValidationError(_("Choose the unit the child came to."), code="no_unit")
    if person.organisation_id != unit.organisation_id:
        raise ValidationError(
            {"person": _("The person must belong to the same organisation.")}, code="cross_org"
        )
    chosen = set(services)
    if not chosen & set(DropInVisit.SERVICES):
        raise ValidationError(
            {"meal": _("Mark what the child had at the centre.")}, code="no_service"
        )
    visit = DropInVisit(
        organisation_id=unit.organisation_id, unit=unit, person=person, visited_on=visited_on,
        note=note, created_by=actor, updated_by=actor,
        **{name: name in chosen for name in DropInVisit.SERVICES},
    )  # fmt: skip
    visit.full_clean()
    visit.save()
    _in_use(person)
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=visit,
        person_id=person.pk,
        details={"services": sorted(chosen & set(DropInVisit.SERVICES))},
    )
    return visit


@transaction.atomic
def street_child_identify(
    *, actor: User, person: Person, data: dict[str, Any], expected_version: int
) -> Person:
    """The child said who they are: the same record is identified in place, so every contact
    and visit since the first anonymous meeting stays with it. The description and the
    nickname stay too; the audit trail keeps what the record said before."""
    if not (data.get("first_name") or "").strip() or not (data.get("last_name") or "").strip():
        raise ValidationError(
            {"first_name": _("Write the child's first and last name to identify them.")},
            code="no_name",
        )
    changes = dict(data)
    changes["identification_status"] = IdentificationStatus.IDENTIFIED
    if changes.get("birth_date"):
        changes["birth_date_precision"] = BirthDatePrecision.EXACT
    else:
        changes.pop("birth_date", None)
    return person_update(
        actor=actor, person=person, data=changes, expected_version=expected_version
    )


@transaction.atomic
def street_case_open(*, actor: User, person: Person, unit: Unit, reason: str) -> Case:
    """The street team opens a case for a child it has met and identified: the worker who
    opens it is its key worker. No referral is needed; the reason is the street work."""
    if person.organisation_id != unit.organisation_id:
        raise ValidationError(
            {"unit": _("The unit must belong to the same organisation.")}, code="cross_org"
        )
    if person.identification_status == IdentificationStatus.ANONYMOUS:
        raise ValidationError(
            _(
                "Identify the child first (at least a first name): a case is opened for a known child."
            ),
            code="anonymous",
        )
    if Case.objects.filter(person=person, unit=unit).exclude(status=CaseStatus.CLOSED).exists():
        raise ValidationError(
            _("The child already has an open case in this unit."), code="already_open"
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the case is opened.")}, code="no_reason")
    return case_open(
        actor=actor,
        unit=unit,
        person=person,
        key_worker=actor,
        without_referral_reason=reason.strip(),
    )
