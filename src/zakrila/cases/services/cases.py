"""Opening a case, moving it through its stages and changing its team, risk and restriction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.queries import require_staff
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, snapshot
from zakrila.cases.models import (
    CASE_TRANSITIONS,
    Case,
    CaseCounter,
    CaseStatus,
    CaseStatusChange,
    Closure,
    FollowUp,
    Referral,
    ReferralDecision,
    Task,
    TaskKind,
)
from zakrila.core.concurrency import lock_for_edit
from zakrila.organisations.models import Unit
from zakrila.people.models import Household, Person


def same_organisation_as(organisation_id: int, *records: Any) -> None:
    for record in records:
        if record is not None and record.organisation_id != organisation_id:
            raise ValidationError(
                _("Everything in a case must belong to the same organisation."), code="cross_org"
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
    same_organisation_as(unit.organisation_id, person, household, referral)
    team = list(team)
    require_staff(unit.organisation_id, "key_worker", [key_worker])
    require_staff(unit.organisation_id, "team", team)
    if referral is not None and referral.decision != ReferralDecision.ACCEPTED:
        # A referral opens a case by being accepted (referral_decide); the case list's
        # waiting referrals rely on a waiting one having no case.
        raise ValidationError(
            _("A case is opened from a referral only when the referral is accepted."),
            code="referral_not_accepted",
        )
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
    return case_transition(
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
        return False  # support waits for the approved assessment (see ``case_transition``)
    # A referred case reaches support through "assessment done", as every case does.
    steps = [to_status]
    if to_status not in CASE_TRANSITIONS[current.status]:
        steps = [CaseStatus.ASSESSED, to_status]
    for step in steps:
        current = case_transition(
            actor=actor, case=current, to_status=step, reason=reason,
            expected_version=current.version,
        )  # fmt: skip
    return True


def case_transition(
    *, actor: User, case: Case, to_status: str, reason: str, expected_version: int
) -> Case:
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
    if key_worker.pk != current.key_worker_id:  # a key worker who has left may stay on
        require_staff(current.organisation_id, "key_worker", [key_worker])
    if team is not None:
        team = list(team)
        require_staff(current.organisation_id, "team", [u for u in team if u.pk not in before_team])
    current.risk_level = risk_level
    current.is_restricted = is_restricted
    current.key_worker = key_worker
    current.household = household
    same_organisation_as(current.organisation_id, current.household)
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
