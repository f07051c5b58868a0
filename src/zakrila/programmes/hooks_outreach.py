"""What street work, field work and groups add to a person's data export (the right of access):
every meeting, drop-in visit and group membership recorded of them."""

from __future__ import annotations

from typing import Any

from zakrila.people.exports import register_section
from zakrila.people.models import Person
from zakrila.programmes.models import Attendance, DropInVisit, GroupMember, OutreachContact


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
