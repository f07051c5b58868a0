"""The individual support plan: drafted with the parent, approved by the director, versioned;
reviews of progress; the contract for use of the service."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.policy import require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, create_audited, snapshot
from zakrila.cases.models import (
    Case,
    CaseStatus,
    ContractAnnex,
    GoalProgress,
    PlanActivity,
    PlanGoal,
    PlanStatus,
    Review,
    ServiceContract,
    SupportPlan,
    Task,
    TaskKind,
)
from zakrila.cases.services.cases import case_follow_work
from zakrila.cases.services.closures import add_months
from zakrila.core.concurrency import lock_for_edit

PLAN_FIELDS = ["parent_view", "parent_goals", "starts_on", "review_on"]


def _open_case(case: Case) -> Case:
    case = Case.objects.select_for_update().select_related("unit").get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it to record new work."), code="closed")
    return case


@transaction.atomic
def plan_create(*, actor: User, case: Case, starts_on: dt.date | None = None) -> SupportPlan:
    """A new draft plan. When the case has a plan, the draft starts as a copy of the latest
    version (goals and activities included): the new version supersedes it on approval."""
    case = _open_case(case)
    if SupportPlan.objects.filter(case=case, status=PlanStatus.DRAFT).exists():
        raise ValidationError(
            _("This case already has a draft plan: finish it first."), code="draft_exists"
        )
    latest = SupportPlan.objects.filter(case=case).order_by("-number").first()
    starts_on = starts_on or timezone.localdate()
    plan = SupportPlan.objects.create(
        organisation_id=case.organisation_id, case=case, number=(latest.number + 1) if latest else 1,
        parent_view=latest.parent_view if latest else "", parent_goals=latest.parent_goals if latest else "",
        starts_on=starts_on, review_on=add_months(starts_on, case.unit.plan_review_months),
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    if latest is not None:
        for goal in latest.goals.prefetch_related("activities"):
            copy = PlanGoal.objects.create(
                organisation_id=case.organisation_id,
                plan=plan,
                order=goal.order,
                text=goal.text,
                created_by=actor,
            )
            for activity in goal.activities.all():
                PlanActivity.objects.create(
                    organisation_id=case.organisation_id, goal=copy, what=activity.what, who=activity.who,
                    frequency=activity.frequency, due_on=activity.due_on, created_by=actor,
                )  # fmt: skip
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=plan, person_id=case.person_id,
        details={"case": case.pk, "number": plan.number, "copied_from": latest.pk if latest else None},
    )  # fmt: skip
    return plan


def _draft(plan: SupportPlan, expected_version: int | None = None) -> SupportPlan:
    if expected_version is None:
        current: SupportPlan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    else:
        current = lock_for_edit(SupportPlan, plan.pk, expected_version=expected_version)
    if current.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("An approved plan is not changed: make a new version."), code="not_draft"
        )
    return current


@transaction.atomic
def plan_update(
    *,
    actor: User,
    plan: SupportPlan,
    parent_view: str,
    parent_goals: str,
    starts_on: dt.date,
    review_on: dt.date,
    expected_version: int,
) -> SupportPlan:
    """Change a draft plan's text and dates (the parent's view and own goals are theirs)."""
    current = _draft(plan, expected_version)
    before = snapshot(current, PLAN_FIELDS)
    current.parent_view = parent_view
    current.parent_goals = parent_goals
    current.starts_on = starts_on
    current.review_on = review_on
    current.full_clean()
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current, person_id=current.case.person_id,
        changes=changes_between(before, snapshot(current, PLAN_FIELDS), sensitive=SupportPlan.SENSITIVE_FIELDS),
        details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def goal_add(*, actor: User, plan: SupportPlan, text: str) -> PlanGoal:
    current = _draft(plan)
    goal = PlanGoal(
        organisation_id=current.organisation_id, plan=current, text=text,
        order=current.goals.count(), created_by=actor,
    )  # fmt: skip
    create_audited(
        goal, actor=actor, person_id=current.case.person_id, details={"plan": current.pk}
    )
    return goal


@transaction.atomic
def goal_remove(*, actor: User, goal: PlanGoal) -> None:
    plan = _draft(goal.plan)
    audit_record(
        action=AuditAction.DELETE,
        actor=actor,
        obj=goal,
        person_id=plan.case.person_id,
        details={"plan": plan.pk},
    )
    goal.delete()


@transaction.atomic
def activity_add(
    *,
    actor: User,
    goal: PlanGoal,
    what: str,
    who: str,
    frequency: str = "",
    due_on: dt.date | None = None,
) -> PlanActivity:
    """An activity towards a goal: what, who does it, how often, by when."""
    plan = _draft(goal.plan)
    activity = PlanActivity(
        organisation_id=plan.organisation_id, goal=goal, what=what, who=who,
        frequency=frequency, due_on=due_on, created_by=actor,
    )  # fmt: skip
    create_audited(activity, actor=actor, person_id=plan.case.person_id, details={"plan": plan.pk})
    return activity


@transaction.atomic
def plan_approve(*, actor: User, plan: SupportPlan) -> SupportPlan:
    """The director approves the plan; the version it replaces is kept as superseded, and its
    review becomes the key worker's task."""
    require(actor, "case.approve_assessment", organisation_id=plan.organisation_id)
    current = _draft(plan)
    if not current.goals.exists():
        raise ValidationError(_("A plan needs at least one goal."), code="no_goals")
    if current.goals.filter(activities__isnull=True).exists():
        raise ValidationError(
            _("Every goal needs at least one activity: what, who, how often."), code="no_activities"
        )
    previous = SupportPlan.objects.filter(case_id=current.case_id, status=PlanStatus.APPROVED)
    superseded = list(previous.values_list("pk", flat=True))
    previous.update(status=PlanStatus.SUPERSEDED)
    Task.objects.open().filter(rule_key__in=[f"review:{pk}" for pk in superseded]).update(
        done_at=timezone.now()
    )
    current.status = PlanStatus.APPROVED
    current.approved_by = actor
    current.approved_at = timezone.now()
    current.version += 1
    current.save()
    case = current.case
    Task.objects.get_or_create(
        organisation_id=case.organisation_id, assignee=case.key_worker, rule_key=f"review:{current.pk}",
        defaults={
            "kind": TaskKind.REVIEW_DUE, "case": case, "due_on": current.review_on,
            "title": _("Review the plan of %(number)s with the family") % {"number": case.number},
        },
    )  # fmt: skip
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current, person_id=case.person_id,
        changes={"status": {"old": "draft", "new": "approved"}}, details={"superseded": superseded},
    )  # fmt: skip
    # The case follows the work: support starts with the approved plan (a case referred without
    # an approved assessment stays, and its page says what is missing).
    case_follow_work(
        actor=actor, case_id=case.pk, to_status=CaseStatus.SUPPORT, reason=_("The plan is approved."),
    )  # fmt: skip
    return current


@transaction.atomic
def review_record(
    *, actor: User, plan: SupportPlan, held_on: dt.date, decision: str, notes: str,
    progress: dict[int, tuple[str, str]],
) -> Review:  # fmt: skip
    """Record a review of the approved plan: progress on every goal and the decision."""
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("Only the plan in force is reviewed."), code="not_approved")
    case = _open_case(plan.case)
    goals = list(plan.goals.all())
    missing = [goal for goal in goals if goal.pk not in progress]
    if missing:
        raise ValidationError(
            _("Record the progress on every goal of the plan."), code="progress_missing"
        )
    review = Review(
        organisation_id=case.organisation_id, case=case, plan=plan, held_on=held_on, decision=decision,
        notes=notes, created_by=actor,
    )  # fmt: skip
    review.full_clean()
    review.save()
    for goal in goals:
        state, comment = progress[goal.pk]
        GoalProgress.objects.create(
            organisation_id=case.organisation_id, review=review, goal=goal, progress=state, comment=comment,
            created_by=actor,
        )  # fmt: skip
    Task.objects.open().filter(rule_key=f"review:{plan.pk}").update(done_at=timezone.now())
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=review, person_id=case.person_id,
        details={"plan": plan.pk, "decision": decision},
    )  # fmt: skip
    return review


@transaction.atomic
def contract_record(
    *,
    actor: User,
    case: Case,
    number: str,
    signed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> ServiceContract:
    """The contract for use of the service, signed with the family."""
    case = _open_case(case)
    contract = ServiceContract(
        organisation_id=case.organisation_id, case=case, number=number, signed_on=signed_on,
        starts_on=starts_on, ends_on=ends_on, created_by=actor,
    )  # fmt: skip
    create_audited(
        contract, actor=actor, person_id=case.person_id, details={"number": contract.number}
    )
    return contract


@transaction.atomic
def annex_record(
    *, actor: User, contract: ServiceContract, number: str, signed_on: dt.date, summary: str
) -> ContractAnnex:
    """An annex extending, changing or ending the contract."""
    annex = ContractAnnex(
        organisation_id=contract.organisation_id, contract=contract, number=number,
        signed_on=signed_on, summary=summary, created_by=actor,
    )  # fmt: skip
    annex.full_clean()
    if annex.signed_on < contract.signed_on:
        raise ValidationError(
            {"signed_on": _("An annex cannot be signed before the contract.")}, code="early"
        )
    annex.save()
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=annex, person_id=contract.case.person_id,
        details={"contract": contract.pk, "number": annex.number},
    )  # fmt: skip
    return annex


def plan_printed(*, actor: User, plan: SupportPlan) -> None:
    audit_record(
        action=AuditAction.PRINT,
        actor=actor,
        obj=plan,
        person_id=plan.case.person_id,
        details={"case": plan.case_id},
    )
