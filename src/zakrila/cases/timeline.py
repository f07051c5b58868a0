"""The case page's timeline, newest first, a page at a time.

A case of a year's weekly work has hundreds of contacts; the page shows the newest
``TIMELINE_PAGE`` of them with every other entry (referral, stages, assessments, plans, reviews,
documents) of the same days, and an "earlier entries" link continues from the oldest contact
shown. The contacts decide the page because they are the many; the other entries of a case are a
handful and are read whole. A page costs the same queries however long the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from zakrila.cases.models import Case, CaseDocument, Contact, Review, SupportPlan

TIMELINE_PAGE = 50


@dataclass(frozen=True)
class CaseRecords:
    """The few records of a case that the case page lists and the timeline shows, read once."""

    assessments: list[Any]
    plans: list[SupportPlan]
    reviews: list[Review]
    documents: list[CaseDocument]

    @classmethod
    def of(cls, case: Case) -> CaseRecords:
        return cls(
            assessments=list(case.assessments.select_related("template")),
            plans=list(SupportPlan.objects.filter(case=case)),
            reviews=list(Review.objects.filter(case=case).select_related("plan")),
            documents=list(CaseDocument.objects.filter(case=case).select_related("created_by")),
        )


@dataclass(frozen=True)
class TimelinePage:
    entries: list[dict[str, Any]]
    before: int | None  # the contact to continue from, when there are earlier entries


def case_timeline(
    case: Case, *, before: int | None = None, records: CaseRecords | None = None
) -> TimelinePage:
    """One page of the case's timeline: the contacts older than the contact ``before`` (all
    contacts when None), at most ``TIMELINE_PAGE``, and the other entries of those days."""
    contacts = Contact.objects.filter(case=case).order_by("-occurred_at", "-id")
    newest: dt.date | None = None  # entries on or after this day were on an earlier page
    if before is not None:
        start = Contact.objects.filter(case=case, pk=before).values_list("occurred_at", flat=True)
        occurred = start.first()
        if occurred is not None:
            contacts = contacts.filter(occurred_at__lte=occurred).exclude(
                occurred_at=occurred, id__gte=before
            )
            newest = _day(occurred)
    page = list(contacts.prefetch_related("staff")[: TIMELINE_PAGE + 1])
    more = len(page) > TIMELINE_PAGE
    page = page[:TIMELINE_PAGE]
    oldest = _day(page[-1].occurred_at) if more else None  # earlier days wait for a later page

    entries: list[dict[str, Any]] = [
        {"kind": "contact", "at": _day(c.occurred_at), "item": c} for c in page
    ]
    entries += [
        entry
        for entry in _other_entries(case, records or CaseRecords.of(case))
        if (newest is None or entry["at"] < newest) and (oldest is None or entry["at"] >= oldest)
    ]
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return TimelinePage(entries=entries, before=page[-1].pk if more else None)


def _day(moment: dt.datetime) -> dt.date:
    """The day in Sofia: a contact at half past midnight belongs to that day, not the last."""
    return timezone.localtime(moment).date()


def _other_entries(case: Case, records: CaseRecords) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    if case.referral:
        entries.append({"kind": "referral", "at": case.referral.received_on, "item": case.referral})
    entries += [
        {"kind": "status", "at": _day(change.created_at), "item": change}
        for change in case.status_changes.select_related("created_by")
    ]
    entries += [
        {"kind": "assessment", "at": _day(a.created_at), "item": a} for a in records.assessments
    ]
    entries += [{"kind": "plan", "at": p.starts_on, "item": p} for p in records.plans]
    entries += [{"kind": "review", "at": r.held_on, "item": r} for r in records.reviews]
    entries += [
        {"kind": "document", "at": _day(d.created_at), "item": d} for d in records.documents
    ]
    return entries
