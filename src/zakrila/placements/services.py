"""Admissions, discharges and the care diary: each one transaction with its audit events."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from zakrila.accounts.models import User
from zakrila.accounts.policy import has_capability
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, create_audited
from zakrila.cases.models import Case, Task, TaskKind
from zakrila.cases.services import case_open
from zakrila.core.concurrency import lock_for_edit
from zakrila.core.wording import by_sex
from zakrila.organisations.models import Unit
from zakrila.people.models import BirthDatePrecision, IdentificationStatus, Person, Sex
from zakrila.people.services import person_create
from zakrila.placements import counts
from zakrila.placements.constraints import violated_constraint
from zakrila.placements.models import (
    POLICE_PROTECTION_HOURS,
    Bed,
    DiaryEntry,
    DiaryKind,
    LegalBasis,
    Placement,
)


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


STAY_CONSTRAINTS = ("placement_person_one_bed_at_a_time", "placement_bed_one_child_at_a_time")


def _refuse_overlapping_stays(*, person: Person, bed: Bed, admitted_at: dt.datetime) -> None:
    """A child is never in two beds at once, and a bed holds one child: refuse a stay from
    ``admitted_at`` (open-ended) that would share a moment with another of the child's stays or
    with another stay in the bed, saying where the child is or since when the bed is taken."""
    elsewhere = (
        Placement.objects.filter(person=person)
        .overlapping(admitted_at, None)
        .select_related("unit", "bed")
        .first()
    )
    if elsewhere is not None:
        values = {"name": person.display_name, "unit": elsewhere.unit.name, "bed": elsewhere.bed.label, "since": _when(elsewhere.admitted_at)}  # fmt: skip
        raise ValidationError(
            by_sex(
                person.sex,
                male=pgettext("male", "%(name)s is already placed in %(unit)s (%(bed)s) since %(since)s: discharge them there first. A child is never in two beds at once.") % values,
                female=pgettext("female", "%(name)s is already placed in %(unit)s (%(bed)s) since %(since)s: discharge them there first. A child is never in two beds at once.") % values,
                other=_("%(name)s is already placed in %(unit)s (%(bed)s) since %(since)s: discharge them there first. A child is never in two beds at once.") % values,
            ),
            code="child_overlap",
        )  # fmt: skip
    taken = Placement.objects.filter(bed=bed).overlapping(admitted_at, None).first()
    if taken is not None:
        raise ValidationError(
            {
                "bed": _("The bed is taken since %(since)s. Choose a free bed.")
                % {"since": _when(taken.admitted_at)}
            },
            code="bed_taken",
        )


def _insert_stay(placement: Placement) -> None:
    """Insert the stay. On PostgreSQL an admission committed meanwhile by another transaction
    (another unit's lock, so the check above could not see it) makes the exclusion constraint
    refuse the insert: give the same refusal the check gives, now that the other stay is
    visible."""
    try:
        with transaction.atomic():  # a savepoint: the transaction stays usable after the error
            placement.save()
    except IntegrityError as error:
        constraint = violated_constraint(error)
        if constraint not in STAY_CONSTRAINTS:
            raise
        _refuse_overlapping_stays(
            person=placement.person, bed=placement.bed, admitted_at=placement.admitted_at
        )
        # The other stay is not visible after all (it cannot happen under READ COMMITTED):
        # the constraint's own message.
        message = next(c for c in Placement._meta.constraints if c.name == constraint)
        raise ValidationError(
            message.get_violation_error_message(),
            code="child_overlap" if constraint == STAY_CONSTRAINTS[0] else "bed_taken",
        ) from error


# An admission is recorded the night it happens or within days (a weekend, a holiday); one
# older than a week changes bed-days of months whose figures may be reported already.
LATE_ENTRY_DAYS = 7
# The time typed is the minute the child arrived, give or take a clock a little ahead.
CLOCK_TOLERANCE = dt.timedelta(minutes=10)
FIRST_YEAR = 2000  # nothing is recorded before the Child Protection Act (and the figures)


def _check_admission_dates(
    *,
    person: Person,
    admitted_at: dt.datetime,
    planned_end: dt.date | None,
    order_date: dt.date | None,
) -> int:
    """Refuse dates that cannot be true; return how many days late the admission is recorded
    when that is more than ``LATE_ENTRY_DAYS`` (the director may still record it), else 0."""
    now = timezone.now()
    admitted_day = timezone.localtime(admitted_at).date()
    if admitted_at > now + CLOCK_TOLERANCE:
        raise ValidationError(
            {"admitted_at": _("The admission cannot be in the future: it is %(now)s now.") % {"now": _when(now)}},
            code="future",
        )  # fmt: skip
    if admitted_day.year < FIRST_YEAR:
        raise ValidationError(
            {"admitted_at": _("Admissions before %(year)s are not recorded: check the year.") % {"year": FIRST_YEAR}},
            code="too_old",
        )  # fmt: skip
    if (
        person.birth_date
        and person.birth_date_precision == BirthDatePrecision.EXACT
        and admitted_day < person.birth_date
    ):
        raise ValidationError(
            {"admitted_at": _("The admission is before the child was born (%(born)s): check the date.")
             % {"born": date_format(person.birth_date, "SHORT_DATE_FORMAT")}},
            code="before_birth",
        )  # fmt: skip
    if planned_end is not None and planned_end < admitted_day:
        raise ValidationError(
            {"planned_end": _("The planned end is before the admission.")}, code="end_before"
        )
    if order_date is not None and order_date > timezone.localdate():
        raise ValidationError(
            {"order_date": _("The order date is in the future: check the date.")}, code="order_future"
        )  # fmt: skip
    late = (now - admitted_at).days
    return late if late >= LATE_ENTRY_DAYS else 0


def _require_override(
    *,
    actor: User,
    organisation_id: int,
    reason: str,
    field: str,
    refusal: str,
    missing: str,
    code: str,
) -> None:
    """Only the director may go past this rule, and only with a reason (which the caller
    records on the placement and in the audit trail)."""
    if not has_capability(actor, "placement.override", organisation_id):
        raise ValidationError(refusal, code=code)
    if not reason.strip():
        raise ValidationError({field: missing}, code=f"{code}_reason")


@transaction.atomic
def placement_admit(
    *,
    actor: User,
    case: Case,
    bed: Bed,
    legal_basis: str,
    admitted_at: dt.datetime,
    planned_end: dt.date | None = None,
    order_number: str = "",
    order_date: dt.date | None = None,
    override_reason: str = "",
    late_entry_reason: str = "",
) -> Placement:
    """Admit the child of a case into a bed. Refused when the child is already placed at that
    time, when the bed is taken, when a date cannot be true (in the future, before the child was
    born, a planned end before the admission), and when the unit is full or the admission is
    more than a week old — unless the director overrides with a reason (``override_reason``,
    ``late_entry_reason``), which the audit trail records."""
    unit = Unit.objects.select_for_update().get(pk=bed.unit_id)  # one admission at a time per unit
    case = Case.objects.select_related("person").get(pk=case.pk)
    if case.organisation_id != unit.organisation_id:
        raise ValidationError(
            _("The case and the bed must belong to the same organisation."), code="cross_org"
        )
    if not unit.is_residential:
        raise ValidationError(
            _("Children are placed only in residential units."), code="not_residential"
        )
    if not bed.is_active:
        raise ValidationError({"bed": _("This bed is not in use.")}, code="bed_inactive")
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it to record new work."), code="closed")
    if legal_basis == LegalBasis.POLICE and planned_end is None:
        planned_end = timezone.localtime(
            admitted_at + dt.timedelta(hours=POLICE_PROTECTION_HOURS)
        ).date()
    late = _check_admission_dates(
        person=case.person, admitted_at=admitted_at, planned_end=planned_end, order_date=order_date
    )
    if late:
        _require_override(
            actor=actor, organisation_id=unit.organisation_id, reason=late_entry_reason,
            field="late_entry_reason",
            refusal=ngettext(
                "The admission was more than %(days)s day ago: it changes bed-days and figures that may have been reported already. Only the director records it, with a reason.",
                "The admission was more than %(days)s days ago: it changes bed-days and figures that may have been reported already. Only the director records it, with a reason.",
                LATE_ENTRY_DAYS,
            ) % {"days": LATE_ENTRY_DAYS},
            missing=ngettext(
                "The admission was more than %(days)s day ago: write why it is recorded only now.",
                "The admission was more than %(days)s days ago: write why it is recorded only now.",
                LATE_ENTRY_DAYS,
            ) % {"days": LATE_ENTRY_DAYS},
            code="late_entry",
        )  # fmt: skip
    _refuse_overlapping_stays(person=case.person, bed=bed, admitted_at=admitted_at)
    present = Placement.objects.filter(unit=unit).current(admitted_at).count()
    over_capacity = present >= unit.capacity
    if over_capacity:
        _require_override(
            actor=actor, organisation_id=unit.organisation_id, reason=override_reason, field="override_reason",
            refusal=_("%(unit)s is full: %(occupancy)s. Only the director may admit over capacity, with a reason.")
            % {"unit": unit.name, "occupancy": counts.occupancy(present, unit.capacity)},
            missing=_("The unit is full: write why the child is admitted over capacity."),
            code="over_capacity",
        )  # fmt: skip
    placement = Placement(
        organisation_id=unit.organisation_id, person=case.person, case=case, unit=unit, bed=bed,
        legal_basis=legal_basis, order_number=order_number, order_date=order_date, admitted_at=admitted_at,
        planned_end=planned_end, over_capacity_reason=override_reason if over_capacity else "",
        late_entry_reason=late_entry_reason if late else "", created_by=actor, updated_by=actor,
    )  # fmt: skip
    placement.full_clean()
    _insert_stay(placement)
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=placement, person_id=case.person_id,
        details={"unit": unit.pk, "bed": bed.pk, "legal_basis": legal_basis, "case": case.pk},
    )  # fmt: skip
    if over_capacity:
        audit_record(
            action=AuditAction.OVERRIDE, actor=actor, obj=placement, person_id=case.person_id,
            details={"rule": "capacity", "present": present, "capacity": unit.capacity, "reason": override_reason},
        )  # fmt: skip
    if late:
        audit_record(
            action=AuditAction.OVERRIDE, actor=actor, obj=placement, person_id=case.person_id,
            details={"rule": "late_entry", "admitted_at": admitted_at.isoformat(), "days": late, "reason": late_entry_reason},
        )  # fmt: skip
    return placement


def estimated_birth_date(on: dt.date, *, years: int, months: int = 0) -> dt.date:
    """A birth date from an approximate age on a day. "About 12" is taken as the middle of the
    thirteenth year (12 and a half years before); an age in months is taken as it is."""
    if months or years == 0:
        return on - relativedelta(years=years, months=months)
    return on - relativedelta(years=years, months=6)


@transaction.atomic
def placement_admit_new_child(
    *,
    actor: User,
    unit: Unit,
    bed: Bed,
    first_name: str = "",
    last_name: str = "",
    description: str = "",
    sex: str = Sex.UNKNOWN,
    age_years: int,
    age_months: int = 0,
    legal_basis: str,
    admitted_at: dt.datetime,
    planned_end: dt.date | None = None,
    order_number: str = "",
    order_date: dt.date | None = None,
    override_reason: str = "",
    late_entry_reason: str = "",
) -> Placement:
    """The night admission of a child nobody has registered yet. The staff member on duty
    registers the child (a name, or a description, and an approximate age), opens an emergency
    case in the unit with themselves as the key worker until the team assigns one, and admits
    the child: all of it or nothing, each step audited by its own service."""
    if bed.unit_id != unit.pk:
        raise ValidationError({"bed": _("Choose a bed of this unit.")}, code="other_unit")
    admitted_day = timezone.localtime(admitted_at).date()
    named = bool(first_name or last_name)
    person = person_create(
        actor=actor,
        organisation_id=unit.organisation_id,
        data={
            "first_name": first_name, "last_name": last_name, "description": description, "sex": sex,
            "birth_date": estimated_birth_date(min(admitted_day, timezone.localdate()), years=age_years, months=age_months),
            "birth_date_precision": BirthDatePrecision.ESTIMATED, "citizenship": "", "unit": unit,
            "identification_status": IdentificationStatus.PARTIAL if named else IdentificationStatus.ANONYMOUS,
        },
    )  # fmt: skip
    case = case_open(
        actor=actor,
        unit=unit,
        person=person,
        key_worker=actor,
        without_referral_reason=_("Emergency admission on %(when)s, registered by the staff on duty.")
        % {"when": _when(admitted_at)},
        opened_on=min(admitted_day, timezone.localdate()),
    )  # fmt: skip
    return placement_admit(
        actor=actor, case=case, bed=bed, legal_basis=legal_basis, admitted_at=admitted_at,
        planned_end=planned_end, order_number=order_number, order_date=order_date,
        override_reason=override_reason, late_entry_reason=late_entry_reason,
    )  # fmt: skip


@transaction.atomic
def placement_discharge(
    *,
    actor: User,
    placement: Placement,
    discharged_at: dt.datetime,
    destination: str,
    expected_version: int,
) -> Placement:
    current: Placement = lock_for_edit(Placement, placement.pk, expected_version=expected_version)
    if current.discharged_at is not None:
        raise ValidationError(_("The child was already discharged."), code="discharged")
    if discharged_at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError(
            {"discharged_at": _("The discharge cannot be in the future: it is %(now)s now.") % {"now": _when(timezone.now())}},
            code="future",
        )  # fmt: skip
    if discharged_at <= current.admitted_at:
        raise ValidationError(
            {
                "discharged_at": _(
                    "The discharge must be after the admission (%(admitted)s). Check the date and the hour."
                )
                % {"admitted": _when(current.admitted_at)}
            },
            code="discharge_before_admission",
        )
    current.discharged_at = discharged_at
    current.destination = destination
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    Task.objects.open().filter(rule_key__startswith=f"placement:{current.pk}:").update(
        done_at=timezone.now()
    )
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current, person_id=current.person_id,
        changes={"discharged_at": {"old": None, "new": discharged_at.isoformat()}, "destination": {"old": "", "new": destination}},
        details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def diary_write(
    *,
    actor: User,
    placement: Placement,
    kind: str,
    text: str,
    written_at: dt.datetime | None = None,
) -> DiaryEntry:
    """A carer's note. An incident becomes a task for the key worker at once, due today."""
    written_at = written_at or timezone.now()
    if written_at < placement.admitted_at or written_at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError(
            _("A diary entry is written between the admission (%(admitted)s) and now.")
            % {"admitted": _when(placement.admitted_at)},
            code="diary_date",
        )
    entry = DiaryEntry(
        organisation_id=placement.organisation_id, placement=placement, kind=kind, text=text,
        written_at=written_at, created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        entry,
        actor=actor,
        person_id=placement.person_id,
        changes={"kind": {"old": None, "new": kind}, "text": {"old": None, "new": "changed"}},
    )
    if kind == DiaryKind.INCIDENT:
        case = placement.case
        Task.objects.create(
            organisation_id=placement.organisation_id, kind=TaskKind.MANUAL, case=case, assignee=case.key_worker,
            title=_("Incident in %(unit)s: %(name)s — read the diary") % {"unit": placement.unit.name, "name": placement.person.display_name},
            due_on=timezone.localdate(), rule_key=f"incident:{entry.pk}", created_by=actor,
        )  # fmt: skip
    return entry
