"""Assessments: started against the current version of a template, saved as drafts, completed
when every required question is answered, approved by the director."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.policy import require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.cases.models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    Case,
    CaseStatus,
)
from zakrila.cases.services.cases import case_follow_work
from zakrila.core.concurrency import lock_for_edit


@transaction.atomic
def assessment_start(*, actor: User, case: Case, template: AssessmentTemplate) -> Assessment:
    case = Case.objects.select_for_update().get(pk=case.pk)  # its stage as it is now
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it to record new work."), code="closed")
    if not template.is_current or template.organisation_id not in (None, case.organisation_id):
        raise ValidationError(_("Choose one of the current templates."), code="template")
    assessment = Assessment.objects.create(
        organisation_id=case.organisation_id,
        case=case,
        template=template,
        created_by=actor,
        updated_by=actor,
    )
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=assessment, person_id=case.person_id,
        details={"case": case.pk, "template": template.code, "version": template.version},
    )  # fmt: skip
    return assessment


def missing_answers(assessment: Assessment, answers: dict[str, Any]) -> list[str]:
    """The keys of required questions without an answer."""
    return [
        question.key
        for question in assessment.template.questions()
        if question.required and answers.get(question.key) in (None, "", [])
    ]


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    assessment: Assessment,
    answers: dict[str, Any],
    complete: bool,
    expected_version: int,
) -> Assessment:
    """Keep the answers; with ``complete`` every required question must be answered. The
    answers' text never enters the audit trail, only which questions changed."""
    current: Assessment = lock_for_edit(
        Assessment, assessment.pk, expected_version=expected_version
    )
    if current.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            _("A completed assessment is not changed; start a new one."), code="not_draft"
        )
    changed = sorted(
        key
        for key in set(answers) | set(current.answers)
        if answers.get(key) != current.answers.get(key)
    )
    current.answers = answers
    if complete:
        missing = missing_answers(current, answers)
        if missing:
            raise ValidationError(
                {key: _("Answer this question to complete the assessment.") for key in missing},
                code="incomplete",
            )
        current.status = AssessmentStatus.COMPLETED
        current.completed_by = actor
        current.completed_at = timezone.now()
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current, person_id=current.case.person_id,
        changes={key: {"old": "changed", "new": "changed"} for key in changed}
        | ({"status": {"old": "draft", "new": "completed"}} if complete else {}),
        details={"version": current.version, "case": current.case_id},
    )  # fmt: skip
    return current


@transaction.atomic
def assessment_approve(*, actor: User, assessment: Assessment) -> Assessment:
    require(actor, "case.approve_assessment", organisation_id=assessment.organisation_id)
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.status != AssessmentStatus.COMPLETED:
        raise ValidationError(_("Only a completed assessment is approved."), code="not_completed")
    current.status = AssessmentStatus.APPROVED
    current.approved_by = actor
    current.approved_at = timezone.now()
    current.version += 1
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current, person_id=current.case.person_id,
        changes={"status": {"old": "completed", "new": "approved"}}, details={"version": current.version},
    )  # fmt: skip
    # The case follows the work: its assessment is done, or, with a plan approved already,
    # support starts (a case already in support stays).
    from zakrila.cases.models import PlanStatus, SupportPlan

    planned = SupportPlan.objects.filter(case_id=current.case_id, status=PlanStatus.APPROVED)
    case_follow_work(
        actor=actor, case_id=current.case_id,
        to_status=CaseStatus.SUPPORT if planned.exists() else CaseStatus.ASSESSED,
        reason=_("The assessment is approved."),
    )  # fmt: skip
    return current


def assessment_printed(*, actor: User, assessment: Assessment) -> None:
    audit_record(
        action=AuditAction.PRINT, actor=actor, obj=assessment, person_id=assessment.case.person_id,
        details={"case": assessment.case_id},
    )  # fmt: skip
