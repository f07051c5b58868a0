"""Reads for groups, the SOS line, street and field work. Each starts from what the user may
see (``zakrila.accounts.policy``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from zakrila.accounts.policy import (
    calls_visible_to,
    get_visible_or_404,
    group_sessions_visible_to,
    groups_visible_to,
    non_contacts_visible_to,
    outreach_people_visible_to,
    outreach_sessions_visible_to,
)
from zakrila.people.models import Person
from zakrila.programmes.call_categories import categories, category_label
from zakrila.programmes.models import (
    Attendance,
    AttendanceStatus,
    Call,
    DropInVisit,
    Group,
    GroupMember,
    GroupSession,
    NonContactKind,
    OnwardReferral,
    OutreachContact,
    OutreachKind,
    OutreachSession,
)

MISSED_IN_A_ROW = 3  # who missed the last three sessions has stopped coming


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month's first moment and the next month's, in local time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(month.year, month.month, 1, tzinfo=zone)
    following = (
        dt.datetime(month.year + 1, 1, 1, tzinfo=zone)
        if month.month == 12
        else dt.datetime(month.year, month.month + 1, 1, tzinfo=zone)
    )
    return start, following


def parse_month(raw: str | None, *, default: dt.date) -> dt.date:
    """``2026-04`` → 1 April 2026; anything else, or a year without figures (before 2000,
    after next year: ``9999-12`` would overflow the month after), → the default month."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        if not 2000 <= year <= default.year + 1:
            raise ValueError(year)
        return dt.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


# --- The SOS line -----------------------------------------------------------------------------


def call_for(*, user: Any, pk: int) -> Call:
    return get_visible_or_404(
        calls_visible_to(user).select_related("unit", "taken_by", "referral", "callback_task"),
        pk=pk,
    )


def recent_calls(*, user: Any, organisation_id: int, limit: int = 30) -> list[dict[str, Any]]:
    rows = list(
        calls_visible_to(user)
        .filter(organisation_id=organisation_id)
        .order_by("-started_at", "-id")
        .values(
            "pk",
            "number",
            "started_at",
            "duration_minutes",
            "channel",
            "anonymous",
            "category",
            "subcategory",
            "referred_to",
            "referral_id",
        )[:limit]
    )
    channels = dict(Call._meta.get_field("channel").flatchoices)
    onward = dict(OnwardReferral.choices)
    for row in rows:
        row["channel_label"] = channels.get(row["channel"], row["channel"])
        row["concern"] = category_label(row["category"])
        row["outcome"] = onward.get(row["referred_to"], row["referred_to"])
    return rows


@dataclass
class LineMonth:
    """A month of the line in figures."""

    month: dt.date
    calls: int
    anonymous: int
    by_category: list[tuple[str, int]]
    by_outcome: list[tuple[str, int]]
    by_category_and_outcome: list[tuple[str, list[int]]]
    outcomes: list[str]
    non_contacts: list[tuple[str, int]]
    non_contact_total: int


def line_month(*, user: Any, organisation_id: int, month: dt.date) -> LineMonth:
    """Calls of a month by category and by outcome (the onward referral, or advice only),
    and the calls that were not a consultation by kind."""
    start, end = month_bounds(month)
    calls = calls_visible_to(user).filter(
        organisation_id=organisation_id, started_at__gte=start, started_at__lt=end
    )
    pairs = Counter(
        (row["category"], row["referred_to"]) for row in calls.values("category", "referred_to")
    )
    total = sum(pairs.values())
    anonymous = calls.filter(anonymous=True).count()
    outcome_codes = [code for code, _label in OnwardReferral.choices]
    outcome_labels = [str(label) for _code, label in OnwardReferral.choices]
    by_category = []
    table = []
    for category in categories():
        code = category["code"]
        row = [pairs.get((code, outcome), 0) for outcome in outcome_codes]
        by_category.append((category_label(code), sum(row)))
        table.append((category_label(code), row))
    by_outcome = [
        (label, sum(count for (_c, o), count in pairs.items() if o == code))
        for code, label in zip(outcome_codes, outcome_labels, strict=True)
    ]
    counted = Counter(
        non_contacts_visible_to(user)
        .filter(organisation_id=organisation_id, occurred_at__gte=start, occurred_at__lt=end)
        .values_list("kind", flat=True)
    )
    non_contacts = [(str(label), counted.get(code, 0)) for code, label in NonContactKind.choices]
    return LineMonth(
        month=month,
        calls=total,
        anonymous=anonymous,
        by_category=by_category,
        by_outcome=by_outcome,
        by_category_and_outcome=table,
        outcomes=outcome_labels,
        non_contacts=non_contacts,
        non_contact_total=sum(counted.values()),
    )


def non_contacts_today(*, user: Any, organisation_id: int) -> dict[str, int]:
    """The calls without a consultation counted today, by kind (shown on the tap buttons)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    begin = dt.datetime.combine(timezone.localdate(), dt.time.min, tzinfo=zone)
    counted = Counter(
        non_contacts_visible_to(user)
        .filter(organisation_id=organisation_id, occurred_at__gte=begin)
        .values_list("kind", flat=True)
    )
    return {code: counted.get(code, 0) for code in NonContactKind.values}


# --- Groups -----------------------------------------------------------------------------------


def group_for(*, user: Any, pk: int) -> Group:
    return get_visible_or_404(groups_visible_to(user).select_related("unit", "programme"), pk=pk)


def group_session_for(*, user: Any, pk: int) -> GroupSession:
    return get_visible_or_404(
        group_sessions_visible_to(user).select_related("group", "attendance_taken_by"), pk=pk
    )


@dataclass
class AttendanceRow:
    pk: int
    name: str
    status: str
    with_child: bool

    @property
    def present(self) -> bool:
        return self.status == AttendanceStatus.ATTENDED

    @property
    def cancelled(self) -> bool:
        return self.status == AttendanceStatus.CANCELLED


def attendance_rows(session: GroupSession) -> tuple[list[AttendanceRow], list[str]]:
    """The session's list (members, by name) and its guests."""
    rows = []
    guests = []
    for row in session.attendance.select_related("member__person").order_by("id"):
        if row.member is None:
            guests.append(row.guest_name)
            continue
        rows.append(
            AttendanceRow(
                pk=row.member.pk,
                name=row.member.display_name,
                status=row.status,
                with_child=row.with_child,
            )
        )
    rows.sort(key=lambda row: row.name.casefold())
    return rows, guests


def members_who_stopped_coming(group: Group) -> list[GroupMember]:
    """Current members who missed each of the group's last three sessions with attendance
    taken (did not come, or cancelled)."""
    last = list(
        group.sessions.filter(attendance_taken_at__isnull=False)
        .order_by("-held_on", "-id")
        .values_list("pk", flat=True)[:MISSED_IN_A_ROW]
    )
    if len(last) < MISSED_IN_A_ROW:
        return []
    missed = (
        Attendance.objects.filter(session_id__in=last, member__isnull=False)
        .values("member_id")
        .annotate(
            missed=Count(
                "id",
                filter=Q(status__in=[AttendanceStatus.NO_SHOW, AttendanceStatus.CANCELLED]),
            )
        )
        .filter(missed=MISSED_IN_A_ROW)
        .values("member_id")
    )
    return list(group.members.filter(pk__in=missed, left_on__isnull=True).select_related("person"))


def member_attendance(group: Group) -> list[dict[str, Any]]:
    """Each member's attendance over the group's sessions with attendance taken."""
    counts = {
        row["member_id"]: row
        for row in Attendance.objects.filter(
            session__group=group,
            session__attendance_taken_at__isnull=False,
            member__isnull=False,
        )
        .values("member_id")
        .annotate(
            attended=Count("id", filter=Q(status=AttendanceStatus.ATTENDED)),
            missed=Count("id", filter=~Q(status=AttendanceStatus.ATTENDED)),
            with_child=Count("id", filter=Q(with_child=True)),
        )
    }
    result = []
    for member in group.members.select_related("person").order_by("first_name", "id"):
        row = counts.get(member.pk, {})
        result.append(
            {
                "member": member,
                "attended": row.get("attended", 0),
                "missed": row.get("missed", 0),
                "with_child": row.get("with_child", 0),
            }
        )
    result.sort(key=lambda row: row["member"].display_name.casefold())
    return result


# --- Street and field work --------------------------------------------------------------------


def outreach_session_for(*, user: Any, pk: int) -> OutreachSession:
    return get_visible_or_404(outreach_sessions_visible_to(user).select_related("unit"), pk=pk)


def outreach_person_for(*, user: Any, pk: int) -> Person:
    return get_visible_or_404(outreach_people_visible_to(user).select_related("unit"), pk=pk)


def known_people(*, user: Any, session: OutreachSession) -> QuerySet[Person]:
    """The people met before in the session's unit's work of the same kind — the children of
    the street, or the women of the field sessions (and those the family planning programme
    follows) — to recognise one met again."""
    met = OutreachContact.objects.filter(
        session__unit=session.unit, session__kind=session.kind
    ).values("person_id")
    people = outreach_people_visible_to(user).filter(unit=session.unit)
    if session.kind == OutreachKind.STREET:
        return people.filter(
            Q(pk__in=met)
            | Q(pk__in=DropInVisit.objects.values("person_id"))
            | Q(identification_status__in=["anonymous", "partial"])
        ).prefetch_related("aliases")
    # A field session's women: those met at earlier sessions, and the women the family
    # planning programme follows (their pregnancy visits), whichever unit registered them.
    from zakrila.organisations.models import ProgrammeKind
    from zakrila.programmes.models import Enrolment, EnrolmentStatus

    followed = Enrolment.objects.filter(
        organisation_id=session.organisation_id,
        programme__kind=ProgrammeKind.FAMILY_PLANNING,
        status=EnrolmentStatus.ACTIVE,
    ).values("person_id")
    return (
        outreach_people_visible_to(user)
        .filter(organisation_id=session.organisation_id)
        .filter(Q(pk__in=met) | Q(pk__in=followed))
        .prefetch_related("aliases")
    )


def person_label(person: Person) -> str:
    """How the street team knows a child: their name or description, with the nickname."""
    nicknames = [alias.full_name for alias in person.aliases.all() if alias.source == "прякор"]
    label = person.display_name
    if nicknames:
        label = f"{label} „{nicknames[0]}“"
    if person.description and person.description not in label:
        label = f"{label} ({person.description})"
    return label


def choice_label(person: Person) -> str:
    """The same, as the contact form lists it: the form is kept on the phone for work without
    signal, so it holds no more than the team needs to recognise someone — a first name (never
    the family name), the nickname and the description."""
    nicknames = [alias.full_name for alias in person.aliases.all() if alias.source == "прякор"]
    parts = [person.first_name] if person.first_name else []
    if nicknames:
        parts.append(f"„{nicknames[0]}“")
    if person.description:
        parts.append(f"({person.description})")
    return " ".join(parts) or str(person.pk)


@dataclass
class StreetMonth:
    month: dt.date
    reached: int
    new: int
    returning: int
    sessions: int
    contacts: int
    drop_ins: int


def street_months(*, user: Any, organisation_id: int, months: list[dt.date]) -> list[StreetMonth]:
    """Children reached by street work (contacts and drop-in visits), per month: new (met for
    the first time that month) and returning."""
    sessions = outreach_sessions_visible_to(user).filter(
        organisation_id=organisation_id, kind=OutreachKind.STREET
    )
    unit_ids = set(sessions.values_list("unit_id", flat=True).distinct())
    contacts = OutreachContact.objects.filter(session__in=sessions)
    visits = DropInVisit.objects.filter(organisation_id=organisation_id, unit_id__in=unit_ids)
    first_seen: dict[int, dt.date] = {}
    for row in contacts.values("person_id").annotate(first=Min("session__starts_at")):
        first_seen[row["person_id"]] = timezone.localtime(row["first"]).date()
    for row in visits.values("person_id").annotate(first=Min("visited_on")):
        seen = first_seen.get(row["person_id"])
        first_seen[row["person_id"]] = min(seen, row["first"]) if seen else row["first"]
    result = []
    for month in months:
        start, end = month_bounds(month)
        month_contacts = contacts.filter(session__starts_at__gte=start, session__starts_at__lt=end)
        month_visits = visits.filter(visited_on__gte=start.date(), visited_on__lt=end.date())
        reached = set(month_contacts.values_list("person_id", flat=True)) | set(
            month_visits.values_list("person_id", flat=True)
        )
        new = {
            pk
            for pk in reached
            if first_seen.get(pk) and first_seen[pk] >= start.date() and first_seen[pk] < end.date()
        }
        result.append(
            StreetMonth(
                month=month,
                reached=len(reached),
                new=len(new),
                returning=len(reached) - len(new),
                sessions=sessions.filter(starts_at__gte=start, starts_at__lt=end).count(),
                contacts=month_contacts.count(),
                drop_ins=month_visits.count(),
            )
        )
    return result


def person_outreach_history(person: Person) -> list[dict[str, Any]]:
    """Everything street and field work recorded of a person, newest first."""
    history: list[dict[str, Any]] = []
    for contact in person.outreach_contacts.select_related("session").order_by(
        "-session__starts_at"
    ):
        history.append(
            {
                "when": timezone.localtime(contact.session.starts_at),
                "kind": "contact",
                "session": contact.session,
                "note": contact.note,
            }
        )
    for visit in person.drop_in_visits.order_by("-visited_on"):
        history.append(
            {
                "when": dt.datetime.combine(visit.visited_on, dt.time(12)),
                "kind": "drop_in",
                "visit": visit,
                "note": visit.note,
            }
        )
    history.sort(key=lambda entry: entry["when"].replace(tzinfo=None), reverse=True)
    return history


# --- The worker's day -------------------------------------------------------------------------


def worker_day(*, user: Any, organisation_id: int, today: dt.date) -> dict[str, Any]:
    """Today's street and field sessions the worker goes to, and the group sessions they
    facilitate."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=1)
    outreach = list(
        outreach_sessions_visible_to(user)
        .filter(organisation_id=organisation_id, starts_at__gte=start, starts_at__lt=end)
        .filter(workers=user)
        .order_by("starts_at")
    )
    groups = list(
        group_sessions_visible_to(user)
        .filter(organisation_id=organisation_id, held_on=today)
        .filter(Q(facilitators=user) | Q(group__facilitators=user))
        .select_related("group")
        .distinct()
        .order_by("id")
    )
    return {"outreach_today": outreach, "groups_today": groups}
