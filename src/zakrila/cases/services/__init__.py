"""Changes to casework, each one transaction with its audit events, by topic."""

from zakrila.cases.services.assessments import (
    assessment_approve,
    assessment_printed,
    assessment_save,
    assessment_start,
)
from zakrila.cases.services.cases import case_follow_work, case_move, case_open, case_update
from zakrila.cases.services.closures import (
    add_months,
    closure_approve,
    closure_reject,
    closure_request,
    follow_up_record,
)
from zakrila.cases.services.contacts import contact_record
from zakrila.cases.services.documents import document_downloaded, document_upload
from zakrila.cases.services.plans import (
    activity_add,
    annex_record,
    contract_record,
    goal_add,
    goal_remove,
    plan_approve,
    plan_create,
    plan_printed,
    plan_update,
    review_record,
)
from zakrila.cases.services.referrals import referral_decide, referral_register
from zakrila.cases.services.tasks import task_complete, task_create

__all__ = [
    "activity_add",
    "add_months",
    "annex_record",
    "assessment_approve",
    "assessment_printed",
    "assessment_save",
    "assessment_start",
    "case_follow_work",
    "case_move",
    "case_open",
    "case_update",
    "closure_approve",
    "closure_reject",
    "closure_request",
    "contact_record",
    "contract_record",
    "document_downloaded",
    "document_upload",
    "follow_up_record",
    "goal_add",
    "goal_remove",
    "plan_approve",
    "plan_create",
    "plan_printed",
    "plan_update",
    "referral_decide",
    "referral_register",
    "review_record",
    "task_complete",
    "task_create",
]
