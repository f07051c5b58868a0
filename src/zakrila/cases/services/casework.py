"""Changes to referrals, cases and contacts: each one transaction with its audit events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.queries import directors_of
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, snapshot
from zakrila.cases.models import (
    CASE_TRANSITIONS,
    FOLLOW_UP_MONTHS,
    Case,
    CaseCounter,
    CaseStatus,
    CaseStatusChange,
    Closure,
    Contact,
    FollowUp,
    Referral,
    ReferralDecision,
    Task,
    TaskKind,
)
from zakrila.cases.models.casework import follow_up_title
from zakrila.core.concurrency import lock_for_edit
from zakrila.organisations.models import Unit
from zakrila.people.models import Household, Person

REFERRAL_FIELDS = [
    "source", "document_number", "document_date", "reason", "person_id", "household_id", "unit_id", "received_on",
]  # fmt: skip


def _same_organisation(organisation_id: int, *records: Any) -> None:
    for record in records:
        if record is not None and record.organisation_id != organisation_id:
            raise ValidationError(
                _("Everything in a case must belong to the same organisation."), code="cross_org"
            )


@transaction.atomic
def referral_register(
    *,
    actor: User,
    unit: Unit,
    person: Person,
    source: str,
    reason: str,
    received_on: dt.date,
    document_number: str = "",
    document_date: dt.date | None = None,
    household: Household | None = None,
) -> Referral:
    """Record a referral as it arrived; the decision comes later."""
    _same_organisation(unit.organisation_id, person, household)
    referral = Referral(
        organisation_id=unit.organisation_id,
        unit=unit,
        person=person,
        household=household,
        source=source,
        reason=reason,
        received_on=received_on,
        document_number=document_number,
        document_date=document_date,
        created_by=actor,
        updated_by=actor,
    )
    referral.full_clean()
    referral.save()
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=referral,
        person_id=person.pk,
        changes=changes_between({}, snapshot(referral, REFERRAL_FIELDS), sensitive=["reason"]),
    )
    return referral


@transaction.atomic
def referral_decide(
    *,
    actor: User,
    referral: Referral,
    decision: str,
    reason: str = "",
    redirected_to: str = "",
    key_worker: User | None = None,
    expected_version: int,
) -> Case | None:
    """Accept (opening a case), decline with a reason, or redirect to another service."""
    current: Referral = lock_for_edit(Referral, referral.pk, expected_version=expected_version)
    if current.decision != ReferralDecision.PENDING:
        raise ValidationError(_("This referral was already decided."), code="decided")
    if decision == ReferralDecision.DECLINED and not reason.strip():
        raise ValidationError(
            {"decision_reason": _("Write why the referral is declined.")}, code="no_reason"
        )
    if decision == ReferralDecision.REDIRECTED and not redirected_to.strip():
        raise ValidationError(
            {"redirected_to": _("Write where the family is redirected.")}, code="no_target"
        )
    if decision == ReferralDecision.ACCEPTED and key_worker is None:
        raise ValidationError(
            {"key_worker": _("Choose the key worker of the new case.")}, code="no_key_worker"
        )
    current.decision = decision
    current.decision_reason = reason
    current.redirected_to = redirected_to
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=current.person_id,
        changes={"decision": {"old": ReferralDecision.PENDING, "new": decision}},
        details={"version": current.version},
    )
    if decision != ReferralDecision.ACCEPTED:
        return None
    assert key_worker is not None  # checked above  # noqa: S101
    return case_open(
        actor=actor,
        unit=current.unit,
        person=current.person,
        household=current.household,
        key_worker=key_worker,
        referral=current,
    )


def _next_number(unit: Unit, year: int) -> str:
    counter, _created = CaseCounter.objects.get_or_create(unit=unit, year=year)
    counter = CaseCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{unit.code}-{year}-{counter.last:04d}"


@transaction.atomic
def case_open(
    *,
    actor: User,
    unit: Unit,
    person: Person,
    key_worker: User,
    household: Household | None = None,
    referral: Referral | None = None,
    without_referral_reason: str = "",
    risk_level: str = "medium",
    is_restricted: bool = False,
    team: Iterable[User] = (),
    opened_on: dt.date | None = None,
) -> Case:
    """Open a case of a unit for a person, numbered per unit and year (ЦОП-2026-0042)."""
    _same_organisation(unit.organisation_id, person, household, referral)
    if referral is None and not without_referral_reason.strip():
        raise ValidationError(
            {
                "without_referral_reason": _(
                    "A case needs a referral, or the reason it is opened without one."
                )
            },
            code="no_referral",
        )
    opened_on = opened_on or timezone.localdate()
    case = Case(
        organisation_id=unit.organisation_id,
        unit=unit,
        person=person,
        household=household,
        referral=referral,
        without_referral_reason=without_referral_reason,
        key_worker=key_worker,
        risk_level=risk_level,
        is_restricted=is_restricted,
        opened_on=opened_on,
        status=CaseStatus.REFERRED if referral else CaseStatus.ASSESSMENT,
        created_by=actor,
        updated_by=actor,
    )
    case.number = _next_number(unit, opened_on.year)
    case.full_clean()
    case.save()
    case.team.set([key_worker, *team])
    CaseStatusChange.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        to_status=case.status,
        created_by=actor,
        changed_on=opened_on,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=case,
        person_id=person.pk,
        changes={
            "number": {"old": None, "new": case.number},
            "status": {"old": None, "new": case.status},
        },
        details={"restricted": is_restricted},
    )
    return case


@transaction.atomic
def case_move(
    *, actor: User, case: Case, to_status: str, reason: str = "", expected_version: int
) -> Case:
    """Move a case to its next stage, or reopen a closed one; every move is kept. Closing goes
    through ``closure_request`` and the director's approval."""
    if to_status == CaseStatus.CLOSED:
        raise ValidationError(
            _(
                "A case is closed with its outcome and the director's approval: use “Close the case”."
            ),
            code="closure_needs_approval",
        )
    return _move(
        actor=actor,
        case=case,
        to_status=to_status,
        reason=reason,
        expected_version=expected_version,
    )


def case_follow_work(*, actor: User, case_id: int, to_status: str, reason: str) -> bool:
    """Move the case to the stage its work has reached (an approved assessment: assessment
    done; an approved plan: support), when that is a move forward the case may make now.
    Returns whether it moved; a case that cannot move yet stays where it is (the case page
    offers the move). Runs inside the caller's transaction."""
    from zakrila.cases.models import Assessment, AssessmentStatus

    order: list[str] = [
        CaseStatus.REFERRED, CaseStatus.ASSESSMENT, CaseStatus.ASSESSED, CaseStatus.SUPPORT,
    ]  # fmt: skip
    current = Case.objects.only("status", "version", "referral_id").get(pk=case_id)
    if current.status not in order or order.index(current.status) >= order.index(to_status):
        return False
    assessed = Assessment.objects.filter(case_id=case_id, status=AssessmentStatus.APPROVED)
    if to_status == CaseStatus.SUPPORT and current.referral_id and not assessed.exists():
        return False  # support waits for the approved assessment (see ``_move``)
    # A referred case reaches support through "assessment done", as every case does.
    steps = [to_status]
    if to_status not in CASE_TRANSITIONS[current.status]:
        steps = [CaseStatus.ASSESSED, to_status]
    for step in steps:
        current = _move(
            actor=actor, case=current, to_status=step, reason=reason,
            expected_version=current.version,
        )  # fmt: skip
    return True


def _move(*, actor: User, case: Case, to_status: str, reason: str, expected_version: int) -> Case:
    current: Case = lock_for_edit(Case, case.pk, expected_version=expected_version)
    if to_status not in CASE_TRANSITIONS[current.status]:
        raise ValidationError(
            _("A case cannot move from “%(from)s” to “%(to)s”.")
            % {
                "from": current.get_status_display(),
                "to": CaseStatus(to_status).label if to_status in CaseStatus.values else to_status,
            },
            code="transition",
        )
    if to_status == CaseStatus.SUPPORT and current.referral_id is not None:
        from zakrila.cases.models import Assessment, AssessmentStatus

        approved = Assessment.objects.filter(case=current, status=AssessmentStatus.APPROVED)
        if not approved.exists():
            raise ValidationError(
                _(
                    "Support starts after an approved assessment: complete the assessment and ask the "
                    "director to approve it. (Only universally accessible services, opened without a "
                    "referral, start without one.)"
                ),
                code="no_assessment",
            )
    reopening = current.status == CaseStatus.CLOSED
    if (to_status == CaseStatus.CLOSED or reopening) and not reason.strip():
        raise ValidationError(
            {"reason": _("Write the reason for closing or reopening the case.")}, code="no_reason"
        )
    before = current.status
    current.status = to_status
    current.closed_on = timezone.localdate() if to_status == CaseStatus.CLOSED else None
    current.version += 1
    current.updated_by = actor
    current.save()
    if reopening:
        # The old closure and the checks still to come no longer apply; the audit trail keeps them.
        Closure.objects.filter(case=current).delete()
        FollowUp.objects.filter(case=current, done_on__isnull=True).delete()
        Task.objects.open().filter(case=current, kind=TaskKind.FOLLOW_UP).update(
            done_at=timezone.now()
        )
    CaseStatusChange.objects.create(
        organisation_id=current.organisation_id, case=current, from_status=before, to_status=to_status,
        reason=reason, created_by=actor,
    )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=current.person_id,
        changes={"status": {"old": before, "new": to_status}},
        details={"version": current.version, "reopened": reopening},
    )
    return current


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    risk_level: str,
    is_restricted: bool,
    key_worker: User,
    household: Household | None,
    team: Iterable[User] | None,
    expected_version: int,
) -> Case:
    """Change a case's risk level, restriction, key worker, household or team."""
    current: Case = lock_for_edit(Case, case.pk, expected_version=expected_version)
    if not current.is_open:
        raise ValidationError(_("The case is closed: reopen it to record new work."), code="closed")
    fields = ["risk_level", "is_restricted", "key_worker_id", "household_id"]
    before = snapshot(current, fields)
    before_team = sorted(current.team.values_list("pk", flat=True))
    current.risk_level = risk_level
    current.is_restricted = is_restricted
    current.key_worker = key_worker
    current.household = household
    _same_organisation(current.organisation_id, current.household)
    current.full_clean()
    changes = changes_between(before, snapshot(current, fields))
    if team is not None:
        new_team = sorted({user.pk for user in team} | {current.key_worker_id})
        if new_team != before_team:
            current.team.set(new_team)
            changes["team"] = {"old": before_team, "new": new_team}
    if not changes:
        return current
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current, person_id=current.person_id,
        changes=changes, details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def contact_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    occurred_at: dt.datetime,
    duration_minutes: int,
    note: str = "",
    is_confidential: bool = True,
    place: str = "",
    participants: str = "",
    staff: Iterable[User] = (),
) -> Contact:
    """Record a piece of work with the family. The note's text never enters the audit trail."""
    case = Case.objects.select_for_update().get(pk=case.pk)  # its stage as it is now
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it to record new work."), code="closed")
    contact = Contact(
        organisation_id=case.organisation_id, case=case, kind=kind, occurred_at=occurred_at,
        duration_minutes=duration_minutes, note=note, is_confidential=is_confidential,
        place=place, participants=participants, created_by=actor, updated_by=actor,
    )  # fmt: skip
    contact.full_clean()
    contact.save()
    contact.staff.set({actor.pk, *(user.pk for user in staff)})
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=contact,
        person_id=case.person_id,
        changes={
            "kind": {"old": None, "new": contact.kind},
            "note": {"old": None, "new": "changed"},
        },
        details={"case": case.pk},
    )
    return contact


# --- Closure and follow-up ---------------------------------------------------------------------


@transaction.atomic
def closure_request(
    *, actor: User, case: Case, outcome: str, reason: str, expected_version: int
) -> Closure:
    """Propose to close a case with its outcome. The director approves it; a director's own
    proposal is approved at once."""
    current: Case = lock_for_edit(Case, case.pk, expected_version=expected_version)
    if not current.is_open:
        raise ValidationError(_("The case is already closed."), code="closed")
    if hasattr(current, "closure"):
        raise ValidationError(
            _("The closure of this case is already waiting for approval."), code="pending"
        )
    closure = Closure(
        organisation_id=current.organisation_id, case=current, outcome=outcome, reason=reason,
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    closure.full_clean()
    closure.save()
    current.version += 1
    current.save(update_fields=["version", "updated_at"])
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=closure, person_id=current.person_id,
        changes={"outcome": {"old": None, "new": outcome}}, details={"case": current.pk, "version": current.version},
    )  # fmt: skip
    directors = directors_of(current.organisation_id)
    if actor in directors:
        return closure_approve(actor=actor, closure=closure)
    for director in directors:
        Task.objects.create(
            organisation_id=current.organisation_id, kind=TaskKind.APPROVAL, case=current, assignee=director,
            title=_("Approve the closure of %(number)s") % {"number": current.number},
            due_on=timezone.localdate() + dt.timedelta(days=7), rule_key=f"closure:{current.pk}", created_by=actor,
        )  # fmt: skip
    return closure


@transaction.atomic
def closure_approve(*, actor: User, closure: Closure) -> Closure:
    """The director approves: the case closes and follow-ups at 3, 6 and 12 months are due."""
    from zakrila.accounts.policy import require

    require(actor, "case.approve", organisation_id=closure.organisation_id)
    closure = Closure.objects.select_for_update().select_related("case").get(pk=closure.pk)
    if closure.is_approved:
        return closure
    case = _move(
        actor=actor, case=closure.case, to_status=CaseStatus.CLOSED,
        reason=f"{closure.get_outcome_display()}: {closure.reason}", expected_version=closure.case.version,
    )  # fmt: skip
    closure.approved_by = actor
    closure.approved_at = timezone.now()
    closure.save(update_fields=["approved_by", "approved_at", "updated_at"])
    # A closed case has no approval, assessment or review still to come.
    Task.objects.open().filter(
        case=case, kind__in=[TaskKind.APPROVAL, TaskKind.ASSESSMENT_DUE, TaskKind.REVIEW_DUE]
    ).update(done_at=timezone.now())
    closed_on = case.closed_on or timezone.localdate()
    for months in FOLLOW_UP_MONTHS:
        due = add_months(closed_on, months)
        FollowUp.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            months=months,
            due_on=due,
            created_by=actor,
        )
        Task.objects.create(
            organisation_id=case.organisation_id, kind=TaskKind.FOLLOW_UP, case=case, assignee=case.key_worker,
            title=follow_up_title(case.number, months),
            due_on=due, rule_key=f"follow_up:{case.pk}:{months}", created_by=actor,
        )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=closure, person_id=case.person_id,
        changes={"approved": {"old": False, "new": True}}, details={"case": case.pk},
    )  # fmt: skip
    return closure


@transaction.atomic
def closure_reject(*, actor: User, closure: Closure, reason: str) -> Case:
    """The director sends the proposal back: the case stays open."""
    from zakrila.accounts.policy import require

    require(actor, "case.approve", organisation_id=closure.organisation_id)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Write why the closure is not approved.")}, code="no_reason"
        )
    case = closure.case
    audit_record(
        action=AuditAction.DELETE, actor=actor, obj=closure, person_id=case.person_id,
        details={"case": case.pk, "rejected": reason},
    )  # fmt: skip
    closure.delete()
    Task.objects.open().filter(case=case, kind=TaskKind.APPROVAL).update(done_at=timezone.now())
    Task.objects.filter(case=case, kind=TaskKind.APPROVAL, rule_key=f"closure:{case.pk}").update(
        rule_key=""
    )
    return case


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    return day + relativedelta(months=months)


@transaction.atomic
def follow_up_record(
    *,
    actor: User,
    follow_up: FollowUp,
    lives_in_family: bool,
    notes: str,
    done_on: dt.date | None = None,
) -> FollowUp:
    """Record what a follow-up found: the outcome that matters is whether the child still lives
    in a family."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_on is not None:
        raise ValidationError(_("This follow-up is already recorded."), code="done")
    follow_up.done_on = done_on or timezone.localdate()
    follow_up.lives_in_family = lives_in_family
    follow_up.notes = notes
    follow_up.updated_by = actor
    follow_up.save()
    Task.objects.open().filter(
        case_id=follow_up.case_id,
        rule_key__startswith=f"follow_up:{follow_up.case_id}:{follow_up.months}",
    ).update(done_at=timezone.now())
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=follow_up, person_id=follow_up.case.person_id,
        changes={"lives_in_family": {"old": None, "new": lives_in_family}}, details={"case": follow_up.case_id},
    )  # fmt: skip
    return follow_up


# --- Tasks -------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor: User,
    case: Case | None,
    organisation_id: int,
    title: str,
    assignee: User,
    due_on: dt.date,
) -> Task:
    task = Task(
        organisation_id=organisation_id, case=case, title=title, assignee=assignee, due_on=due_on,
        kind=TaskKind.MANUAL, created_by=actor, updated_by=actor,
    )  # fmt: skip
    task.full_clean()
    task.save()
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=task, person_id=case.person_id if case else None,
        details={"assignee": assignee.pk, "due_on": due_on.isoformat()},
    )  # fmt: skip
    return task


@transaction.atomic
def task_complete(*, actor: User, task: Task) -> Task:
    """Mark a task done. The task of approving a closure is done by deciding on the closure:
    ticking it while the closure still waits is refused, or the closure would be forgotten."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if (
        task.done_at is None
        and task.kind == TaskKind.APPROVAL
        and task.case_id is not None
        and Closure.objects.filter(case_id=task.case_id, approved_at__isnull=True).exists()
    ):
        raise ValidationError(
            _(
                "The closure still waits for a decision: open it and approve it or send it back; "
                "the task is then done by itself."
            ),
            code="closure_waiting",
        )
    if task.done_at is None:
        task.done_at = timezone.now()
        task.updated_by = actor
        task.save(update_fields=["done_at", "updated_by", "updated_at"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=task,
            changes={"done": {"old": False, "new": True}},
        )
    return task
