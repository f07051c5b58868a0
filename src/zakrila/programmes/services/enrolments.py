"""The engine's services: enrol a person, schedule their visits from the programme's data,
record a visit (and schedule the next), mark one missed, move a stage, end the enrolment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.queries import require_staff
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.core.concurrency import lock_for_edit
from zakrila.organisations.models import Programme, Unit
from zakrila.people.models import Household, Person
from zakrila.programmes.models import Enrolment, EnrolmentStatus, Visit, VisitStatus
from zakrila.programmes.schedules import ANCHORS, VisitDefinition

_VISIT_REFERENCES = [
    "organisation", "enrolment", "programme", "unit", "worker", "case", "done_by", "created_by",
    "updated_by",
]  # fmt: skip


def _visit_for(
    enrolment: Enrolment, definition: VisitDefinition, due_on: dt.date, sequence: int = 1
) -> Visit:
    window_start, window_end = definition.window(due_on)
    return Visit(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        programme_id=enrolment.programme_id,
        unit_id=enrolment.unit_id,
        worker_id=enrolment.worker_id,
        case_id=enrolment.case_id,
        stage=definition.stage,
        key=definition.key,
        sequence=sequence,
        due_on=due_on,
        window_start=window_start,
        window_end=window_end,
    )


def schedule_visits(enrolment: Enrolment) -> list[Visit]:
    """Make the visits the schedule calls for and the enrolment does not have yet; re-date the
    planned ones when an anchor moved. Idempotent; called inside the services' transactions.

    Fixed stages: every visit whose anchor is known, except one marked ``skip_if_past`` whose
    window had closed before the enrolment started (a pregnancy registered at 25 weeks has no
    20-week contact to miss).
    Repeatable stages: while the enrolment is in the stage, one planned visit at a time, due
    the stage's interval after the last one done (the first from its anchor)."""
    if not enrolment.is_active:
        return []
    schedule = enrolment.schedule
    existing = list(enrolment.visits.exclude(key=""))
    by_key: dict[str, list[Visit]] = {}
    for visit in existing:
        by_key.setdefault(visit.key, []).append(visit)
    made: list[Visit] = []
    for stage in schedule.stages:
        for definition in stage.visits:
            anchor = enrolment.anchor_date(definition.anchor)
            visits = by_key.get(definition.key, [])
            if stage.repeatable:
                if enrolment.stage != stage.code or anchor is None:
                    continue
                if any(v.status == VisitStatus.PLANNED for v in visits):
                    continue
                # The series goes on from the last visit done, or marked missed.
                since = enrolment.stage_since or enrolment.started_on
                last = [
                    v.done_on or timezone.localtime(v.updated_at).date()
                    for v in visits
                    if v.status in (VisitStatus.DONE, VisitStatus.MISSED)
                    and (v.done_on or timezone.localtime(v.updated_at).date()) >= since
                ]
                if last:
                    due_on = max(last) + dt.timedelta(days=stage.repeat_every_days or 0)
                else:
                    due_on = max(definition.due_from(anchor), since)
                made.append(_visit_for(enrolment, definition, due_on, len(visits) + 1))
                continue
            if anchor is None:
                continue
            due_on = definition.due_from(anchor)
            if not visits:
                if definition.skip_if_past and definition.window(due_on)[1] < enrolment.started_on:
                    continue
                made.append(_visit_for(enrolment, definition, due_on))
                continue
            for visit in visits:
                if visit.status == VisitStatus.PLANNED and visit.due_on != due_on:
                    visit.due_on = due_on
                    visit.window_start, visit.window_end = definition.window(due_on)
                    visit.save(update_fields=["due_on", "window_start", "window_end", "updated_at"])
    # Made from the enrolment and the checked schedule: the database's constraints (due within
    # its window) guard them; a full_clean per visit would cost a query per foreign key.
    Visit.objects.bulk_create(made)
    return made


def _cancel_planned(enrolment: Enrolment, *, stage: str | None = None) -> int:
    planned = enrolment.visits.filter(status=VisitStatus.PLANNED)
    if stage is not None:
        planned = planned.filter(stage=stage)
    return planned.update(status=VisitStatus.CANCELLED, updated_at=timezone.now())


def _clean_anchors(anchors: Mapping[str, dt.date | None]) -> dict[str, str]:
    today = timezone.localdate()
    cleaned: dict[str, str] = {}
    for name, value in anchors.items():
        if name not in ANCHORS or name == "enrolment":
            raise ValidationError(_("Unknown date to schedule from: %(name)s.") % {"name": name})
        if value is None:
            continue
        if name != "lmp" and value > today:
            raise ValidationError(_("This date is in the future."), code="future")
        cleaned[name] = value.isoformat()
    return cleaned


@transaction.atomic
def enrolment_start(
    *,
    actor: User,
    programme: Programme,
    person: Person,
    worker: User,
    unit: Unit | None = None,
    household: Household | None = None,
    case: Any = None,
    started_on: dt.date | None = None,
    anchors: Mapping[str, dt.date | None] | None = None,
    note: str = "",
) -> Enrolment:
    """Enrol a person in a programme and schedule the visits its data calls for."""
    unit = unit or programme.unit
    if person.organisation_id != programme.organisation_id or unit.organisation_id != (
        programme.organisation_id
    ):
        raise ValidationError(
            _("The person and the unit must belong to the programme's organisation.")
        )
    if (
        case is not None
        and case.person_id != person.pk
        and (household is None or case.household_id != household.pk)
    ):
        raise ValidationError({"case": _("This case is about someone else.")})
    require_staff(programme.organisation_id, "worker", [worker])
    enrolment = Enrolment(
        organisation_id=programme.organisation_id,
        programme=programme,
        unit=unit,
        person=person,
        household=household,
        case=case,
        worker=worker,
        started_on=started_on or timezone.localdate(),
        stage=programme_first_stage(programme),
        stage_since=started_on or timezone.localdate(),
        anchors=_clean_anchors(anchors or {}),
        note=note,
        created_by=actor,
        updated_by=actor,
    )
    enrolment.full_clean()
    enrolment.save()
    made = schedule_visits(enrolment)
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=enrolment,
        person_id=person.pk,
        changes={
            "programme": {"old": None, "new": programme.pk},
            "status": {"old": None, "new": enrolment.status},
            # Which dates are known, not the dates (a last period is health data).
            "anchors": {"old": None, "new": sorted(enrolment.anchors)},
        },
        details={"visits_scheduled": len(made), "case": getattr(case, "pk", None)},
    )
    return enrolment


def programme_first_stage(programme: Programme) -> str:
    from zakrila.programmes.schedules import schedule_for

    return schedule_for(programme.kind).first_stage


@transaction.atomic
def enrolment_set_anchors(
    *,
    actor: User,
    enrolment: Enrolment,
    anchors: Mapping[str, dt.date | None],
    expected_version: int | None = None,
) -> Enrolment:
    """Set or correct the dates the visits are scheduled from (the last menstrual period after
    an ultrasound, the day the child left the institution); planned visits move with them."""
    current: Enrolment = (
        lock_for_edit(Enrolment, enrolment.pk, expected_version=expected_version)
        if expected_version is not None
        else Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    )
    before = dict(current.anchors)
    current.anchors = {**before, **_clean_anchors(anchors)}
    if current.anchors == before:
        return current
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    made = schedule_visits(current)
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=current.person_id,
        changes={"anchors": {"old": sorted(before), "new": sorted(current.anchors)}},
        details={"visits_scheduled": len(made)},
    )
    return current


@transaction.atomic
def enrolment_move_stage(
    *, actor: User, enrolment: Enrolment, stage: str, on: dt.date | None = None
) -> Enrolment:
    """Move the enrolment to another stage: the planned visits of a repeatable stage it leaves
    are cancelled, and the stage it enters schedules its first visit."""
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not current.is_active:
        raise ValidationError(_("The enrolment has ended."), code="ended")
    schedule = current.schedule
    if schedule.stage(stage) is None:
        raise ValidationError({"stage": _("Choose a stage of the programme.")})
    if stage == current.stage:
        return current
    before = current.stage
    leaving = schedule.stage(before) if before else None
    if leaving is not None and leaving.repeatable:
        _cancel_planned(current, stage=before)
    current.stage = stage
    current.stage_since = on or timezone.localdate()
    current.version += 1
    current.updated_by = actor
    current.save()
    schedule_visits(current)
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=current.person_id,
        changes={"stage": {"old": before, "new": stage}},
    )
    return current


@transaction.atomic
def enrolment_end(
    *,
    actor: User,
    enrolment: Enrolment,
    status: str,
    ended_on: dt.date,
    outcome: str = "",
    outcome_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Enrolment:
    """End an enrolment: completed (with the programme's outcome), left, or transferred. The
    visits still planned are cancelled, so they do not stay overdue for nobody."""
    current: Enrolment = (
        lock_for_edit(Enrolment, enrolment.pk, expected_version=expected_version)
        if expected_version is not None
        else Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    )
    if not current.is_active:
        raise ValidationError(_("The enrolment has already ended."), code="ended")
    if status not in EnrolmentStatus.values or status == EnrolmentStatus.ACTIVE:
        raise ValidationError({"status": _("Choose how the enrolment ends.")})
    if status == EnrolmentStatus.COMPLETED and not outcome and current.schedule.outcomes:
        raise ValidationError({"outcome": _("A completed enrolment needs its outcome.")})
    before = {"status": current.status, "outcome": current.outcome}
    current.status = status
    current.ended_on = ended_on
    current.outcome = outcome
    current.outcome_on = (outcome_on or ended_on) if outcome else None
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    cancelled = _cancel_planned(current)
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=current.person_id,
        changes={
            "status": {"old": before["status"], "new": status},
            "outcome": {"old": before["outcome"], "new": outcome},
        },
        details={"visits_cancelled": cancelled},
    )
    return current


@transaction.atomic
def visit_record(
    *,
    actor: User,
    enrolment: Enrolment,
    done_on: dt.date,
    kind: str,
    visit: Visit | None = None,
    duration_minutes: int | None = None,
    note: str = "",
    answers: Mapping[str, Any] | None = None,
) -> Visit:
    """Record a visit: a planned one (done, even late), or one outside the schedule; then
    schedule what comes next (a repeatable stage's next visit). The note never enters the
    audit trail."""
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not current.is_active:
        raise ValidationError(_("The enrolment has ended: visits can no longer be recorded."))
    if visit is None:
        visit = Visit(
            organisation_id=current.organisation_id,
            enrolment=current,
            programme_id=current.programme_id,
            unit_id=current.unit_id,
            worker_id=current.worker_id,
            case_id=current.case_id,
            stage=current.stage,
            due_on=done_on,
            window_start=done_on,
            window_end=done_on,
            created_by=actor,
        )
    else:
        visit = Visit.objects.select_for_update().get(pk=visit.pk, enrolment=current)
        if visit.status != VisitStatus.PLANNED:
            raise ValidationError(
                _("This visit is already %(status)s.") % {"status": visit.get_status_display()},
                code="not_planned",
            )
    if done_on < current.started_on:
        raise ValidationError({"done_on": _("The visit cannot be before the enrolment started.")})
    visit.status = VisitStatus.DONE
    visit.done_on = done_on
    visit.done_by = actor
    visit.kind = kind
    visit.duration_minutes = duration_minutes
    visit.note = note
    visit.answers = dict(answers or {})
    visit.updated_by = actor
    if visit.pk:
        visit.version += 1
    # The references come from records already read; only the typed values need checking.
    visit.full_clean(exclude=_VISIT_REFERENCES, validate_unique=False)
    visit.save()
    made = schedule_visits(current)
    audit_record(
        action=AuditAction.CREATE if visit.key == "" else AuditAction.UPDATE,
        actor=actor,
        obj=visit,
        person_id=current.person_id,
        changes={
            "status": {"old": VisitStatus.PLANNED, "new": VisitStatus.DONE},
            "done_on": {"old": None, "new": done_on},
            "answers": {"old": None, "new": visit.answers},
            **({"note": "changed"} if note else {}),
        },
        details={"enrolment": current.pk, "visits_scheduled": len(made)},
    )
    return visit


@transaction.atomic
def visit_miss(*, actor: User, visit: Visit, reason: str) -> Visit:
    """Say that a planned visit did not happen, and why: it leaves the overdue list only this
    way (or by being done late). A repeatable stage schedules its next visit from today."""
    current = Visit.objects.select_for_update().get(pk=visit.pk)
    if current.status != VisitStatus.PLANNED:
        raise ValidationError(
            _("Only a planned visit can be marked as missed."), code="not_planned"
        )
    if not reason.strip():
        raise ValidationError({"missed_reason": _("Say why the visit did not happen.")})
    current.status = VisitStatus.MISSED
    current.missed_reason = reason.strip()
    current.version += 1
    current.updated_by = actor
    current.save()
    enrolment = Enrolment.objects.select_for_update().get(pk=current.enrolment_id)
    schedule_visits(enrolment)
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=enrolment.person_id,
        changes={"status": {"old": VisitStatus.PLANNED, "new": VisitStatus.MISSED}},
        details={"reason": current.missed_reason, "enrolment": enrolment.pk},
    )
    return current
