"""Volunteers, needs, assignments and hours.

The rule that matters most: nobody works with children without a criminal-record certificate
on file that is valid on the day of the work. The service refuses the assignment and says what
is missing; the check cannot be skipped from any page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zakrila.accounts.models import User
from zakrila.accounts.policy import require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, create_audited, snapshot
from zakrila.core.concurrency import lock_for_edit
from zakrila.core.models import same_organisation
from zakrila.giving.models import Assignment, AssignmentStatus, Volunteer, VolunteerNeed
from zakrila.giving.services._common import day_text
from zakrila.organisations.models import Unit
from zakrila.placements.constraints import violated_constraint

MANAGE = "giving.manage"
VOLUNTEER_FIELDS = [
    "full_name", "email", "phone", "skills", "consent_on", "record_certificate_number",
    "record_certificate_on", "left_on",
]  # fmt: skip


def _volunteer_clean(volunteer: Volunteer) -> None:
    today = timezone.localdate()
    if volunteer.record_certificate_on and volunteer.record_certificate_on > today:
        raise ValidationError(
            {"record_certificate_on": _("The certificate's date cannot be in the future.")},
            code="future",
        )
    if volunteer.consent_on and volunteer.consent_on > today:
        raise ValidationError(
            {"consent_on": _("The consent's date cannot be in the future.")}, code="future"
        )
    volunteer.full_clean()


@transaction.atomic
def volunteer_create(
    *,
    actor: User,
    organisation_id: int,
    full_name: str,
    consent_on: dt.date,
    email: str = "",
    phone: str = "",
    skills: str = "",
    record_certificate_number: str = "",
    record_certificate_on: dt.date | None = None,
) -> Volunteer:
    """A person who gives their time, kept with their consent."""
    require(actor, MANAGE, organisation_id=organisation_id)
    volunteer = Volunteer(
        organisation_id=organisation_id, full_name=full_name.strip(), consent_on=consent_on,
        email=email.strip().lower(), phone=phone.strip(), skills=skills.strip(),
        record_certificate_number=record_certificate_number.strip(),
        record_certificate_on=record_certificate_on, created_by=actor, updated_by=actor,
    )  # fmt: skip
    _volunteer_clean(volunteer)
    volunteer.save()
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=volunteer,
        details={"consent_on": consent_on, "record_certificate_on": record_certificate_on},
    )  # fmt: skip
    return volunteer


@transaction.atomic
def volunteer_update(
    *, actor: User, volunteer: Volunteer, expected_version: int, **values: object
) -> Volunteer:
    """Correct a volunteer's details, or record a new criminal-record certificate."""
    require(actor, MANAGE, organisation_id=volunteer.organisation_id)
    current: Volunteer = lock_for_edit(Volunteer, volunteer.pk, expected_version=expected_version)
    if current.anonymised_at is not None:
        raise ValidationError(_("This volunteer's data was anonymised."), code="anonymised")
    before = snapshot(current, VOLUNTEER_FIELDS)
    for name in VOLUNTEER_FIELDS:
        if name in values:
            value = values[name]
            setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.email = current.email.lower()
    _volunteer_clean(current)
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes=changes_between(before, snapshot(current, VOLUNTEER_FIELDS)),
        details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def need_create(
    *,
    actor: User,
    unit: Unit,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    people_needed: int = 1,
    with_children: bool = True,
    description: str = "",
) -> VolunteerNeed:
    """What a unit needs volunteers for."""
    require(actor, MANAGE, organisation_id=unit.organisation_id)
    need = VolunteerNeed(
        organisation_id=unit.organisation_id, unit=unit, title=title.strip(),
        description=description.strip(), starts_at=starts_at, ends_at=ends_at,
        people_needed=people_needed, with_children=with_children,
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        need,
        actor=actor,
        details={
            "unit": unit.pk,
            "title": need.title,
            "people": people_needed,
            "with_children": with_children,
        },
    )
    return need


def _check_certificate(volunteer: Volunteer, need: VolunteerNeed, day: dt.date) -> None:
    if not need.with_children:
        return
    if volunteer.record_certificate_on is None:
        raise ValidationError(
            _(
                "%(name)s has no criminal-record certificate on file: nobody works with children "
                "without one. Record the certificate's number and date on the volunteer's page first."
            )
            % {"name": volunteer.full_name},
            code="no_certificate",
        )
    if not volunteer.certificate_valid_on(day):
        until = volunteer.certificate_valid_until
        raise ValidationError(
            _(
                "%(name)s's criminal-record certificate is valid until %(until)s, not on "
                "%(day)s: ask for a new one before this work with children."
            )
            % {"name": volunteer.full_name, "until": day_text(until) if until else "",
               "day": day_text(day)},
            code="certificate_expired",
        )  # fmt: skip


@transaction.atomic
def assignment_make(
    *,
    actor: User,
    need: VolunteerNeed,
    volunteer: Volunteer,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Assignment:
    """Put a volunteer on a need (for the whole need, or part of it). Refused without a valid
    criminal-record certificate for work with children, when the need has its people, and when
    the volunteer is booked elsewhere at that time."""
    require(actor, MANAGE, organisation_id=need.organisation_id)
    same_organisation(need, volunteer)
    starts_at = starts_at or need.starts_at
    ends_at = ends_at or need.ends_at
    # The volunteer's row is the lock: two bookings of one volunteer wait for each other.
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.anonymised_at is not None or volunteer.left_on is not None:
        raise ValidationError(_("This volunteer no longer volunteers."), code="left")
    if ends_at <= starts_at:
        raise ValidationError(_("The assignment must end after it starts."), code="order")
    if starts_at < need.starts_at or ends_at > need.ends_at:
        raise ValidationError(
            _("The assignment must be within the need's time."), code="outside_need"
        )
    _check_certificate(volunteer, need, timezone.localtime(ends_at).date())
    need = VolunteerNeed.objects.select_for_update().get(pk=need.pk)
    active = need.assignments.exclude(status=AssignmentStatus.CANCELLED)
    if active.filter(volunteer=volunteer).exists():
        raise ValidationError(
            _("%(name)s is already on this need.") % {"name": volunteer.full_name}, code="twice"
        )
    if active.count() >= need.people_needed:
        raise ValidationError(
            ngettext(
                "This need already has the %(n)s person it needs.",
                "This need already has the %(n)s people it needs.",
                need.people_needed,
            )
            % {"n": need.people_needed},
            code="full",
        )
    clash = (
        Assignment.objects.filter(volunteer=volunteer, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=AssignmentStatus.CANCELLED)
        .select_related("need")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("%(name)s is already booked at that time: %(need)s, %(day)s.")
            % {"name": volunteer.full_name, "need": clash.need.title,
               "day": day_text(timezone.localtime(clash.starts_at).date())},
            code="double_booked",
        )  # fmt: skip
    assignment = Assignment(
        organisation_id=need.organisation_id, need=need, volunteer=volunteer, starts_at=starts_at,
        ends_at=ends_at, created_by=actor, updated_by=actor,
    )  # fmt: skip
    # The need and the volunteer were just read under lock, and the order and the overlap were
    # checked above: the rest is the database's (its constraints refuse what slips through).
    assignment.full_clean(exclude=["need", "volunteer", "organisation"], validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        if violated_constraint(error) == "giving_volunteer_never_double_booked":
            raise ValidationError(
                _("%(name)s is already booked at that time.") % {"name": volunteer.full_name},
                code="double_booked",
            ) from error
        raise
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=assignment,
        details={"need": need.pk, "volunteer": volunteer.pk, "starts_at": starts_at,
                 "ends_at": ends_at, "with_children": need.with_children},
    )  # fmt: skip
    return assignment


@transaction.atomic
def assignment_record_hours(
    *, actor: User, assignment: Assignment, hours_done: Decimal, expected_version: int
) -> Assignment:
    """The hours the volunteer actually gave; the assignment is done."""
    require(actor, MANAGE, organisation_id=assignment.organisation_id)
    current: Assignment = lock_for_edit(
        Assignment, assignment.pk, expected_version=expected_version
    )
    if current.status == AssignmentStatus.CANCELLED:
        raise ValidationError(_("This assignment was cancelled."), code="cancelled")
    if current.starts_at > timezone.now():
        raise ValidationError(
            {"hours_done": _("The work has not started yet: record the hours afterwards.")},
            code="future",
        )
    if hours_done < 0 or hours_done > 24:
        raise ValidationError({"hours_done": _("Hours done are between 0 and 24.")}, code="hours")
    before = snapshot(current, ["status", "hours_done"])
    current.hours_done = hours_done
    current.status = AssignmentStatus.DONE
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes=changes_between(before, snapshot(current, ["status", "hours_done"])),
        details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def assignment_cancel(*, actor: User, assignment: Assignment, expected_version: int) -> Assignment:
    """The volunteer will not come: the time is free again."""
    require(actor, MANAGE, organisation_id=assignment.organisation_id)
    current: Assignment = lock_for_edit(
        Assignment, assignment.pk, expected_version=expected_version
    )
    if current.status != AssignmentStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled assignment can be cancelled."), code="status")
    current.status = AssignmentStatus.CANCELLED
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes={"status": {"old": AssignmentStatus.SCHEDULED, "new": AssignmentStatus.CANCELLED}},
        details={"version": current.version},
    )  # fmt: skip
    return current
