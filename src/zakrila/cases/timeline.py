"""The case page's timeline, newest first, a page at a time.

A case of a year's weekly work has hundreds of contacts; the page shows the newest
``TIMELINE_PAGE`` of them with every other entry (referral, stages, assessments, plans, reviews,
documents) of the same days, and an "earlier entries" link continues from the oldest contact
shown. The contacts decide the page because they are the many; the other entries of a case are a
handful and are read whole. A page costs the same queries however long the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from zakrila.cases.models import (
    Assessment,
    Case,
    CaseDocument,
    CaseStatusChange,
    Closure,
    Contact,
    FollowUp,
    Review,
    ServiceContract,
    SupportPlan,
    Task,
)
from zakrila.core.paging import keyset_page
from zakrila.core.presence import Sections

TIMELINE_PAGE = 50

# Other apps' records that belong on a case's timeline (a programme's visits, the things
# distributed to the family): each source gives, for a case and the user reading it (who may
# see the case; a source still hides what the user's units do not reach), entries with
# ``kind``, ``at`` (the day), ``moment``, ``item``, and the ``title``, ``text`` and ``url``
# the timeline shows.
TimelineSource = Callable[[Case, Any], list[dict[str, Any]]]
_SOURCES: list[TimelineSource] = []


# The sections of a case page, asked together before any is read (``core.presence``): other
# apps add theirs beside their timeline source.
CASE_SECTIONS = Sections("case")
for _model in (
    Assessment, SupportPlan, Review, CaseDocument, CaseStatusChange, ServiceContract, FollowUp, Task,
    Closure,
):  # fmt: skip
    CASE_SECTIONS.add(_model, "case")


def register_timeline_source(source: TimelineSource) -> None:
    """Another app adds its entries to every case's timeline (read whole, as the other
    non-contact entries are: a handful per case)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


@dataclass(frozen=True)
class CaseRecords:
    """The few records of a case that the case page lists and the timeline shows, read once."""

    assessments: list[Any]
    plans: list[SupportPlan]
    reviews: list[Review]
    documents: list[CaseDocument]

    @classmethod
    def of(cls, case: Case) -> CaseRecords:
        def has(model: type[Any]) -> bool:
            return CASE_SECTIONS.has(case, model)

        return cls(
            assessments=list(case.assessments.select_related("template"))
            if has(Assessment)
            else [],
            plans=list(SupportPlan.objects.filter(case=case)) if has(SupportPlan) else [],
            reviews=list(Review.objects.filter(case=case).select_related("plan"))
            if has(Review)
            else [],
            documents=list(CaseDocument.objects.filter(case=case).select_related("created_by"))
            if has(CaseDocument)
            else [],
        )


@dataclass
class ContactRow:
    """A contact as the timeline shows it, read as values (the many entries of a long file)."""

    pk: int
    kind: str
    occurred_at: dt.datetime
    duration_minutes: int
    place: str
    note: str
    is_confidential: bool
    staff: list[str] = field(default_factory=list)  # names (or e-mail) of the staff present


_CONTACT_FIELDS = (
    "id",
    "kind",
    "occurred_at",
    "duration_minutes",
    "place",
    "note",
    "is_confidential",
)


def _contact_rows(rows: list[dict[str, Any]]) -> list[ContactRow]:
    contacts = {row["id"]: ContactRow(pk=row.pop("id"), **row) for row in rows}
    staff = (
        Contact.staff.through.objects.filter(contact_id__in=contacts)
        .order_by("user__full_name", "user_id")
        .values_list("contact_id", "user__full_name", "user__email")
    )
    for contact_id, full_name, email in staff:
        contacts[contact_id].staff.append(full_name or email)
    return list(contacts.values())


@dataclass(frozen=True)
class TimelinePage:
    entries: list[dict[str, Any]]
    after: str | None  # where "Earlier entries" continues, when there are earlier entries


def case_timeline(
    case: Case, *, user: Any, after: str | None = None, records: CaseRecords | None = None
) -> TimelinePage:
    """One page of the case's timeline: the contacts after the position ``after`` (newest
    first; from the newest when None), at most ``TIMELINE_PAGE``, and the other entries of those
    days, ordered by time within a day."""
    contacts = Contact.objects.filter(case=case).values(*_CONTACT_FIELDS)
    page = keyset_page(contacts, order=("-occurred_at", "-id"), after=after, size=TIMELINE_PAGE)
    rows = _contact_rows(page.rows)
    # Entries on or after the day of the position were on an earlier page; entries before the
    # oldest contact shown wait for a later page.
    newest = _day(page.started_after[0]) if page.started_after else None
    oldest = _day(rows[-1].occurred_at) if page.has_next else None

    entries: list[dict[str, Any]] = [
        {"kind": "contact", "at": _day(c.occurred_at), "moment": c.occurred_at, "item": c}
        for c in rows
    ]
    entries += [
        entry
        for entry in _other_entries(case, user, records or CaseRecords.of(case))
        if (newest is None or entry["at"] < newest) and (oldest is None or entry["at"] >= oldest)
    ]
    entries.sort(key=lambda entry: entry["moment"], reverse=True)
    return TimelinePage(entries=entries, after=page.next_token)


def _day(moment: dt.datetime) -> dt.date:
    """The day in Sofia: a contact at half past midnight belongs to that day, not the last."""
    return timezone.localtime(moment).date()


def moment_of_day(day: dt.date, created_at: dt.datetime) -> dt.datetime:
    """When a dated entry of another app happened within its day (see ``_moment``)."""
    return _moment(day, created_at)


def _moment(day: dt.date, created_at: dt.datetime) -> dt.datetime:
    """When a dated entry (a plan's start, a review) happened within its day: the time it was
    written down when that was the same day, else the start of the day."""
    if _day(created_at) == day:
        return created_at
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _other_entries(case: Case, user: Any, records: CaseRecords) -> list[dict[str, Any]]:
    def at(kind: str, day: dt.date, moment: dt.datetime, item: Any) -> dict[str, Any]:
        return {"kind": kind, "at": day, "moment": moment, "item": item}

    entries: list[dict[str, Any]] = []
    if case.referral:
        referral = case.referral
        entries.append(
            at(
                "referral",
                referral.received_on,
                _moment(referral.received_on, referral.created_at),
                referral,
            )
        )
    if CASE_SECTIONS.has(case, CaseStatusChange):
        entries += [
            at("status", _day(change.created_at), change.created_at, change)
            # Unordered: the timeline sorts its entries (an ORDER BY costs Django's compiler
            # a hash of every selected column).
            for change in case.status_changes.select_related("created_by").order_by()
        ]
    entries += [at("assessment", _day(a.created_at), a.created_at, a) for a in records.assessments]
    entries += [
        at("plan", p.starts_on, _moment(p.starts_on, p.created_at), p) for p in records.plans
    ]
    entries += [
        at("review", r.held_on, _moment(r.held_on, r.created_at), r) for r in records.reviews
    ]
    entries += [at("document", _day(d.created_at), d.created_at, d) for d in records.documents]
    for source in _SOURCES:
        entries += source(case, user)
    return entries
