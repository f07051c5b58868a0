"""What street work, field work, groups and the line add elsewhere: a person's data export
(every meeting, drop-in visit and group membership recorded of them), and the retention of a
named caller's name and number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction

from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.people.exports import register_section
from zakrila.people.models import Person
from zakrila.privacy.retention import RecordRetentionRule, register_record_rule
from zakrila.programmes.models import (
    Attendance,
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

BATCH_SIZE = 200


def _named_calls_due(now: dt.datetime) -> models.QuerySet[Call]:
    years = settings.ZAKRILA_RETENTION_YEARS["anonymous_contact"]
    return Call.objects.filter(anonymous=False, started_at__lt=now - relativedelta(years=years))


def named_calls_anonymise(now: dt.datetime) -> int:
    """A caller who gave a name is kept as long as an anonymous contact, then the call becomes
    anonymous (its concern, advice and outcome stay for the figures). Batches of one
    transaction each, every call in the audit trail."""
    done = 0
    while True:
        with transaction.atomic():
            batch = list(_named_calls_due(now).select_for_update().order_by("id")[:BATCH_SIZE])
            for call in batch:
                Call.objects.filter(pk=call.pk).update(
                    anonymous=True, caller_name="", caller_phone="",
                    version=models.F("version") + 1,
                )  # fmt: skip
                audit_record(
                    action=AuditAction.DELETE, obj=call, actor_label="retention",
                    details={"retention": "anonymous_contact", "number": call.number},
                )  # fmt: skip
        done += len(batch)
        if len(batch) < BATCH_SIZE:
            break
    return done


register_record_rule(
    RecordRetentionRule(
        kind="call",
        description="the name and number of callers who gave them, after the period of "
        "anonymous contacts",
        due=lambda now: _named_calls_due(now).count(),
        apply=named_calls_anonymise,
    )
)
