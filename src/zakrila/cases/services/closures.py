"""Closing a case with the director's approval, and the follow-ups that come after."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.queries import directors_of
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.cases.models import (
    FOLLOW_UP_MONTHS,
    Case,
    CaseStatus,
    Closure,
    FollowUp,
    Task,
    TaskKind,
)
from zakrila.cases.models.casework import follow_up_title
from zakrila.cases.services.cases import case_transition
from zakrila.core.concurrency import lock_for_edit


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
    case = case_transition(
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
