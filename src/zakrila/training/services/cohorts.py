"""Cohorts, their trainees and sessions, and attendance taken in one save per session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.policy import has_capability, require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, create_audited, snapshot
from zakrila.core.concurrency import lock_for_edit
from zakrila.core.models import same_organisation
from zakrila.training.models import (
    Attendance,
    Cohort,
    EditionStatus,
    Module,
    ProgrammeEdition,
    Trainee,
    TrainingSession,
)

COHORT_FIELDS = ["name", "starts_on", "ends_on", "place"]
TRAINEE_FIELDS = ["full_name", "employer", "employer_type", "region", "position", "email"]


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _check_trainers(organisation_id: int, trainers: Iterable[User]) -> list[User]:
    chosen = list(trainers)
    for user in chosen:
        if not has_capability(user, "training.manage", organisation_id):
            raise ValidationError(
                {"trainers": _("%(name)s is not a trainer of this organisation.") % {"name": user}},
                code="not_trainer",
            )
    return chosen


@transaction.atomic
def cohort_create(
    *,
    actor: User,
    edition: ProgrammeEdition,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str = "",
    trainers: Iterable[User] = (),
) -> Cohort:
    """A run of a published edition; it is judged against that edition for good."""
    require(actor, "training.manage", organisation_id=edition.organisation_id)
    if edition.status != EditionStatus.PUBLISHED:
        raise ValidationError(
            {"edition": _("Publish the edition first: a cohort runs a published edition.")},
            code="draft_edition",
        )
    chosen = _check_trainers(edition.organisation_id, trainers)
    cohort = Cohort(
        organisation_id=edition.organisation_id, edition=edition, name=name.strip(),
        starts_on=starts_on, ends_on=ends_on, place=place.strip(), created_by=actor, updated_by=actor,
    )  # fmt: skip
    cohort.full_clean()
    cohort.save()
    cohort.trainers.set(chosen)
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=cohort,
        details={"edition": edition.pk, "name": cohort.name, "starts_on": starts_on, "ends_on": ends_on,
                 "trainers": sorted(u.pk for u in chosen)},
    )  # fmt: skip
    return cohort


@transaction.atomic
def cohort_update(
    *,
    actor: User,
    cohort: Cohort,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    place: str,
    trainers: Iterable[User],
    expected_version: int,
) -> Cohort:
    """Change a cohort's name, dates, place or trainers; its sessions must stay within its
    dates."""
    require(actor, "training.manage", organisation_id=cohort.organisation_id)
    current: Cohort = lock_for_edit(Cohort, cohort.pk, expected_version=expected_version)
    chosen = _check_trainers(current.organisation_id, trainers)
    outside = (
        current.sessions.exclude(held_on__gte=starts_on, held_on__lte=ends_on)
        .order_by("held_on")
        .first()
    )
    if outside is not None:
        raise ValidationError(
            _("A session on %(day)s would fall outside the cohort's dates: move it first.")
            % {"day": _day(outside.held_on)},
            code="session_outside",
        )
    before = snapshot(current, COHORT_FIELDS)
    trainers_before = sorted(current.trainers.values_list("pk", flat=True))
    current.name = name.strip()
    current.starts_on = starts_on
    current.ends_on = ends_on
    current.place = place.strip()
    current.full_clean()
    current.version += 1
    current.updated_by = actor
    current.save()
    current.trainers.set(chosen)
    changes = changes_between(before, snapshot(current, COHORT_FIELDS))
    trainers_after = sorted(u.pk for u in chosen)
    if trainers_after != trainers_before:
        changes["trainers"] = {"old": trainers_before, "new": trainers_after}
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current, changes=changes,
        details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def trainee_add(
    *,
    actor: User,
    cohort: Cohort,
    full_name: str,
    employer_type: str,
    region: str,
    employer: str = "",
    position: str = "",
    email: str = "",
) -> Trainee:
    """Enrol a specialist of another organisation in the cohort."""
    require(actor, "training.manage", organisation_id=cohort.organisation_id)
    trainee = Trainee(
        organisation_id=cohort.organisation_id, cohort=cohort, full_name=full_name.strip(),
        employer=employer.strip(), employer_type=employer_type, region=region,
        position=position.strip(), email=email.strip().lower(), created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        trainee,
        actor=actor,
        details={"cohort": cohort.pk, "employer_type": employer_type, "region": region},
    )
    return trainee


@transaction.atomic
def trainee_update(
    *,
    actor: User,
    trainee: Trainee,
    full_name: str,
    employer_type: str,
    region: str,
    employer: str,
    position: str,
    email: str,
    expected_version: int,
) -> Trainee:
    """Correct a trainee's details. A name printed on a certificate stays as printed: revoke
    and issue again to print the corrected name."""
    require(actor, "training.manage", organisation_id=trainee.organisation_id)
    current: Trainee = lock_for_edit(Trainee, trainee.pk, expected_version=expected_version)
    if current.anonymised_at is not None:
        raise ValidationError(
            _("This trainee's data was anonymised under the retention rule."), code="anonymised"
        )
    before = snapshot(current, TRAINEE_FIELDS)
    current.full_name = full_name.strip()
    current.employer_type = employer_type
    current.region = region
    current.employer = employer.strip()
    current.position = position.strip()
    current.email = email.strip().lower()
    current.full_clean()
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes=changes_between(before, snapshot(current, TRAINEE_FIELDS), sensitive=Trainee.SENSITIVE_FIELDS),
        details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def session_schedule(
    *,
    actor: User,
    cohort: Cohort,
    module: Module,
    held_on: dt.date,
    hours: Decimal,
    starts_at: dt.time | None = None,
) -> TrainingSession:
    """A session of one module of the cohort's edition, within the cohort's dates."""
    require(actor, "training.manage", organisation_id=cohort.organisation_id)
    same_organisation(cohort, module)
    if module.edition_id != cohort.edition_id:
        raise ValidationError(
            {"module": _("This module is not part of the edition the cohort runs.")},
            code="other_edition",
        )
    if not cohort.starts_on <= held_on <= cohort.ends_on:
        raise ValidationError(
            {
                "held_on": _(
                    "The cohort runs from %(start)s to %(end)s: choose a date within them, or "
                    "change the cohort's dates first."
                )
                % {"start": _day(cohort.starts_on), "end": _day(cohort.ends_on)}
            },
            code="outside_cohort",
        )
    session = TrainingSession(
        organisation_id=cohort.organisation_id, cohort=cohort, module=module, held_on=held_on,
        starts_at=starts_at, hours=hours, created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        session,
        actor=actor,
        details={"cohort": cohort.pk, "module": module.pk, "held_on": held_on, "hours": hours},
    )
    return session


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    session: TrainingSession,
    present: Iterable[int | str],
    expected_version: int,
    today: dt.date | None = None,
) -> TrainingSession:
    """Who was at the session: every trainee of the cohort is recorded, present or not, in one
    save. Taken again, it replaces the earlier list — unless someone saved in between (the form
    carries the session's version), which is refused with who saved."""
    require(actor, "training.manage", organisation_id=session.organisation_id)
    current: TrainingSession = lock_for_edit(
        TrainingSession, session.pk, expected_version=expected_version
    )
    if current.held_on > (today or timezone.localdate()):
        raise ValidationError(
            _("The session is on %(day)s: attendance is taken on the day or after.")
            % {"day": _day(current.held_on)},
            code="future_session",
        )
    trainees = dict(
        Trainee.objects.filter(cohort_id=current.cohort_id).values_list("pk", "full_name")
    )
    chosen: set[int] = set()
    for raw in present:
        try:
            chosen.add(int(raw))
        except (TypeError, ValueError):
            raise ValidationError(
                _("The list of who was present is not valid."), code="bad_id"
            ) from None
    strangers = sorted(chosen - set(trainees))
    if strangers:
        raise ValidationError(
            _(
                "Only the trainees of this cohort are marked present; %(count)s marked are not in "
                "it. Reload the page and take the attendance again."
            )
            % {"count": len(strangers)},
            code="not_in_cohort",
        )
    existing = dict(Attendance.objects.filter(session=current).values_list("trainee_id", "present"))
    to_create = []
    flipped_on: list[int] = []
    flipped_off: list[int] = []
    for pk in trainees:
        value = pk in chosen
        if pk not in existing:
            to_create.append(
                Attendance(
                    organisation_id=current.organisation_id,
                    session=current,
                    trainee_id=pk,
                    present=value,
                    created_by=actor,
                    updated_by=actor,
                )
            )
        elif existing[pk] != value:
            (flipped_on if value else flipped_off).append(pk)
    Attendance.objects.bulk_create(to_create)
    now = timezone.now()
    if flipped_on:
        Attendance.objects.filter(session=current, trainee_id__in=flipped_on).update(
            present=True, updated_by=actor, updated_at=now
        )
    if flipped_off:
        Attendance.objects.filter(session=current, trainee_id__in=flipped_off).update(
            present=False, updated_by=actor, updated_at=now
        )
    taken_before = current.attendance_taken_at
    current.attendance_taken_at = now
    current.attendance_taken_by = actor
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes={"attendance_taken_at": {"old": taken_before, "new": now}},
        details={
            "version": current.version, "present": sorted(chosen), "absent": sorted(set(trainees) - chosen),
            "now_present": sorted(flipped_on), "now_absent": sorted(flipped_off),
        },
    )  # fmt: skip
    return current
