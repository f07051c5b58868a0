"""What street work, field work, groups and the line add elsewhere: a person's data export
(every meeting, drop-in visit and group membership recorded of them), and the retention of a
named caller's name and number and of the first names a group knows its members and guests
by."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models

from zakrila.people.exports import register_section
from zakrila.people.models import Person
from zakrila.privacy.retention import (
    RecordRetentionRule,
    anonymise_in_batches,
    register_record_rule,
)
from zakrila.programmes.models import (
    Attendance,
    AttendanceStatus,
    Call,
    DropInVisit,
    GroupMember,
    OutreachContact,
)


@register_section
def outreach_section(person: Person) -> tuple[str, list[dict[str, Any]]]:
    contacts = [
        {
            "kind": contact.session.get_kind_display(),
            "place": contact.session.place,
            "at": contact.session.starts_at.isoformat(),
            "note": contact.note,
        }
        for contact in OutreachContact.objects.filter(person=person).select_related("session")
    ]
    visits = [
        {
            "visited_on": visit.visited_on.isoformat(),
            "services": [name for name in DropInVisit.SERVICES if getattr(visit, name)],
            "note": visit.note,
        }
        for visit in DropInVisit.objects.filter(person=person)
    ]
    groups = [
        {
            "group": member.group.name,
            "joined_on": member.joined_on.isoformat(),
            "attendance": [
                {"date": row.session.held_on.isoformat(), "status": row.get_status_display()}
                for row in Attendance.objects.filter(member=member).select_related("session")
            ],
        }
        for member in GroupMember.objects.filter(person=person).select_related("group")
    ]
    return "outreach", [{"contacts": contacts, "drop_in_visits": visits, "groups": groups}]


# --- Retention: a named caller's name and number ------------------------------------------------


def _named_calls_due(now: dt.datetime) -> models.QuerySet[Call]:
    years = settings.ZAKRILA_RETENTION_YEARS["anonymous_contact"]
    return Call.objects.filter(anonymous=False, started_at__lt=now - relativedelta(years=years))


def named_calls_anonymise(now: dt.datetime) -> int:
    """A caller who gave a name is kept as long as an anonymous contact, then the call becomes
    anonymous (its concern, advice and outcome stay for the figures). Batches of one
    transaction each, every call in the audit trail."""
    return anonymise_in_batches(
        _named_calls_due(now),
        lambda call: {"anonymous": True, "caller_name": "", "caller_phone": ""},
        lambda call: {"retention": "anonymous_contact", "number": call.number},
    )


register_record_rule(
    RecordRetentionRule(
        kind="call",
        description="the name and number of callers who gave them, after the period of "
        "anonymous contacts",
        due=lambda now: _named_calls_due(now).count(),
        apply=named_calls_anonymise,
    )
)


# --- Retention: the first names of group members and guests -------------------------------------

# What a first name becomes: a member or a guest is always shown by something (the database
# refuses an empty name for one who is not a registered person).
ANONYMISED_NAME = "—"


def _group_cutoff(now: dt.datetime) -> dt.date:
    years = settings.ZAKRILA_RETENTION_YEARS["anonymous_contact"]
    return (now - relativedelta(years=years)).date()


def _group_members_due(now: dt.datetime) -> models.QuerySet[GroupMember]:
    """Members known only by a first name who have not come to their group for the period of
    anonymous contacts (registered people follow the registry's own rules)."""
    cutoff = _group_cutoff(now)
    came_since = Attendance.objects.filter(
        member=models.OuterRef("pk"),
        status=AttendanceStatus.ATTENDED,
        session__held_on__gte=cutoff,
    )
    return (
        GroupMember.objects.filter(person__isnull=True, joined_on__lt=cutoff)
        .exclude(first_name=ANONYMISED_NAME)
        .exclude(models.Exists(came_since))
    )


def _group_guests_due(now: dt.datetime) -> models.QuerySet[Attendance]:
    return Attendance.objects.filter(
        member__isnull=True, session__held_on__lt=_group_cutoff(now)
    ).exclude(guest_name=ANONYMISED_NAME)


def group_names_anonymise(now: dt.datetime) -> int:
    """A member who has not come for the period loses their first name and leaves the group
    on the last day they came (or joined), so new sessions no longer list them; a guest's name
    goes the same period after the session. The attendance stays for the figures. Batches of
    one transaction each, every record in the audit trail."""
    last_came = Attendance.objects.filter(
        member=models.OuterRef("pk"), status=AttendanceStatus.ATTENDED
    ).order_by("-session__held_on")
    members = anonymise_in_batches(
        _group_members_due(now).annotate(
            last_came=models.Subquery(last_came.values("session__held_on")[:1])
        ),
        lambda member: {
            "first_name": ANONYMISED_NAME,
            "left_on": member.left_on or member.last_came or member.joined_on,
        },
        lambda member: {"retention": "group_member", "group": member.group_id},
    )
    guests = anonymise_in_batches(
        _group_guests_due(now),
        lambda guest: {"guest_name": ANONYMISED_NAME},
        lambda guest: {"retention": "group_guest", "session": guest.session_id},
    )
    return members + guests


register_record_rule(
    RecordRetentionRule(
        kind="group",
        description="the first names of group members who have not come, and of guests, after "
        "the period of anonymous contacts",
        due=lambda now: _group_members_due(now).count() + _group_guests_due(now).count(),
        apply=group_names_anonymise,
    )
)
