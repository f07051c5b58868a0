"""Reading the audit trail: what the DPO and the director may look at."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zakrila.audit.models import CHANGE_ACTIONS, AuditEvent

PAGE_SIZE = 50
# The trail's pages, newest first by the time of the event: the order of the index by
# organisation and time, so a page of a month a year ago is a range of that index. Ordered by id
# instead, PostgreSQL walked the trail back from today to that month (1 s at 10,000,000 events,
# bench/trail.py).
ORDER = ("-occurred_at", "-id")


def audit_events_in_organisation(
    *, organisation_id: int, filters: dict[str, Any]
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organisation_id=organisation_id)
    if filters.get("actor"):
        events = events.filter(_actor_is(filters["actor"]))
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
    if filters.get("person_id"):
        events = events.filter(person_id=filters["person_id"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz)
        events = events.filter(occurred_at__gte=start)
    if filters.get("date_to"):
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        events = events.filter(occurred_at__lt=end)
    return events


def person_changes(
    *, organisation_id: int, person_id: int, limit: int = 30
) -> QuerySet[AuditEvent]:
    """The newest changes of a person's record, as their page lists them: read through the
    index of changes (``audit_person_changes_idx``), never through the page views."""
    events = AuditEvent.objects.filter(
        organisation_id=organisation_id, person_id=person_id, action__in=CHANGE_ACTIONS
    )
    return events.order_by("-id")[:limit]


def _actor_is(text: str) -> Q:
    """Events by the users whose name or e-mail holds ``text``, found by their ids (the
    trail's index by organisation, actor and time), and events without a user whose label
    holds it (a failed sign-in's typed name, the retention job). Matching the label of every
    event instead read the organisation's whole trail when nobody matched: 11 s at 10,000,000
    events. A user is found by their name or e-mail as they are now, with every event of
    theirs."""
    from zakrila.accounts.models import User

    users = User.objects.filter(Q(email__icontains=text) | Q(full_name__icontains=text))
    return Q(actor_id__in=list(users.values_list("pk", flat=True))) | Q(
        actor_id__isnull=True, actor_label__icontains=text
    )


def audit_events_for_record(
    *,
    organisation_id: int,
    person_id: int | None = None,
    records: list[tuple[str, Any]] = (),  # type: ignore[assignment]
) -> QuerySet[AuditEvent]:
    """Every access to and change of one person's file: events about the person and about the
    records that belong to them (cases, documents, ...)."""
    condition = Q()
    if person_id is not None:
        condition |= Q(person_id=person_id)
    # One condition per kind of record, with its ids in a list: a case with 700 contacts is one
    # index scan of 701 keys for PostgreSQL, not 701 conditions it plans one by one.
    ids: dict[str, list[str]] = {}
    for object_type, object_id in records:
        ids.setdefault(object_type, []).append(str(object_id))
    for object_type, object_ids in ids.items():
        condition |= Q(object_type=object_type, object_id__in=object_ids)
    if not condition:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(condition, organisation_id=organisation_id)
