"""Groups: members, sessions and attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.core.concurrency import lock_for_edit
from zakrila.organisations.models import Programme, Unit
from zakrila.people.models import Person
from zakrila.programmes.models import (
    Attendance,
    AttendanceStatus,
    Group,
    GroupMember,
    GroupSession,
)


@transaction.atomic
def group_create(
    *,
    actor: User,
    unit: Unit,
    name: str,
    facilitators: Iterable[User] = (),
    programme: Programme | None = None,
    meets: str = "",
) -> Group:
    """Start a group of a unit, with its facilitators."""
    if programme is not None and programme.organisation_id != unit.organisation_id:
        raise ValidationError(
            {"programme": _("The programme must belong to the same organisation.")},
            code="cross_org",
        )
    group = Group(
        organisation_id=unit.organisation_id, unit=unit, programme=programme, name=name,
        meets=meets, created_by=actor, updated_by=actor,
    )  # fmt: skip
    group.full_clean()
    group.save()
    group.facilitators.set(list(facilitators) or [actor])
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=group, changes={"name": {"old": None, "new": name}}
    )  # fmt: skip
    return group


@transaction.atomic
def group_member_add(
    *,
    actor: User,
    group: Group,
    person: Person | None = None,
    first_name: str = "",
    joined_on: dt.date | None = None,
) -> GroupMember:
    """Add a member: a registered person, or only a first name."""
    if person is not None and person.organisation_id != group.organisation_id:
        raise ValidationError(
            {"person": _("The person must belong to the same organisation.")}, code="cross_org"
        )
    if person is None and not first_name.strip():
        raise ValidationError(
            {"first_name": _("Choose a registered person or write a first name.")}, code="empty"
        )
    member = GroupMember(
        organisation_id=group.organisation_id, group=group, person=person,
        first_name="" if person is not None else first_name.strip(),
        joined_on=joined_on or timezone.localdate(), created_by=actor, updated_by=actor,
    )  # fmt: skip
    member.full_clean()
    member.save()
    # A member who joins is on the list of the sessions still to come.
    for session in group.sessions.filter(held_on__gte=member.joined_on):
        Attendance.objects.get_or_create(
            session=session,
            member=member,
            defaults={"organisation_id": group.organisation_id, "created_by": actor},
        )
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=member,
        person_id=person.pk if person is not None else None,
        details={"group": group.pk},
    )
    return member


@transaction.atomic
def group_session_create(
    *,
    actor: User,
    group: Group,
    held_on: dt.date,
    topic: str,
    duration_minutes: int = 90,
    facilitators: Iterable[User] = (),
    notes: str = "",
) -> GroupSession:
    """Plan or record a session; every current member is registered for it."""
    session = GroupSession(
        organisation_id=group.organisation_id, group=group, held_on=held_on, topic=topic,
        duration_minutes=duration_minutes, notes=notes, created_by=actor, updated_by=actor,
    )  # fmt: skip
    session.full_clean()
    session.save()
    session.facilitators.set(list(facilitators) or list(group.facilitators.all()) or [actor])
    members = group.members.filter(joined_on__lte=held_on).exclude(left_on__lt=held_on)
    Attendance.objects.bulk_create(
        Attendance(
            organisation_id=group.organisation_id,
            session=session,
            member=member,
            created_by=actor,
            updated_by=actor,
        )
        for member in members
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=session,
        changes={"topic": {"old": None, "new": topic}},
        details={"group": group.pk, "held_on": held_on.isoformat()},
    )
    return session


@transaction.atomic
def group_attendance_record(
    *,
    actor: User,
    session: GroupSession,
    attended: Iterable[int | str],
    with_child: Iterable[int | str] = (),
    cancelled: Iterable[int | str] = (),
    guests: Iterable[str] = (),
    expected_version: int,
) -> GroupSession:
    """Take a session's attendance: who came (one tap each), who came with the child, who
    cancelled beforehand; everyone else on the list did not come. Guests come without
    registering: a first name each. Refused when someone saved the list meanwhile."""
    current: GroupSession = lock_for_edit(
        GroupSession, session.pk, expected_version=expected_version
    )
    if current.held_on > timezone.localdate():
        raise ValidationError(
            _("Attendance is taken on the day of the session or after."), code="future"
        )
    rows = {row.member_id: row for row in current.attendance.filter(member__isnull=False)}
    try:
        came = {int(pk) for pk in attended}
        child = {int(pk) for pk in with_child}
        excused = {int(pk) for pk in cancelled}
    except (TypeError, ValueError):
        raise ValidationError(
            _("The list was not understood: open it again."), code="bad"
        ) from None
    unknown = (came | child | excused) - set(rows)
    if unknown:
        raise ValidationError(
            _("Someone marked is not on this session's list: open it again."), code="not_listed"
        )
    counts: dict[str, int] = dict.fromkeys(AttendanceStatus.values, 0)
    for member_id, row in rows.items():
        if member_id in came:
            row.status = AttendanceStatus.ATTENDED
        elif member_id in excused:
            row.status = AttendanceStatus.CANCELLED
        else:
            row.status = AttendanceStatus.NO_SHOW
        row.with_child = member_id in came and member_id in child
        row.updated_by = actor
        counts[row.status] += 1
    Attendance.objects.bulk_update(list(rows.values()), ["status", "with_child", "updated_by"])
    current.attendance.filter(member__isnull=True).delete()
    names = [name.strip()[:100] for name in guests if name.strip()]
    Attendance.objects.bulk_create(
        Attendance(
            organisation_id=current.organisation_id,
            session=current,
            guest_name=name,
            status=AttendanceStatus.ATTENDED,
            created_by=actor,
            updated_by=actor,
        )
        for name in names
    )
    before = current.attendance_taken_at
    current.attendance_taken_at = timezone.now()
    current.attendance_taken_by = actor
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        # Under the field's name, so that a refused stale list says "attendance taken at".
        changes={
            "attendance_taken_at": {
                "old": before.isoformat() if before else None,
                "new": current.attendance_taken_at.isoformat(),
            }
        },
        details={"version": current.version, "guests": len(names), **counts},
    )
    return current
