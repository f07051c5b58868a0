"""Changes to casework, each one transaction with its audit events, by topic."""

from zakrila.cases.services.assessments import (
    assessment_approve,
    assessment_printed,
    assessment_save,
    assessment_start,
)
from zakrila.cases.services.casework import (
    _add_months,
    case_move,
    case_open,
    case_update,
    case_viewed,
    closure_approve,
    closure_reject,
    closure_request,
    contact_record,
    follow_up_record,
    referral_decide,
    referral_register,
    task_complete,
    task_create,
)

__all__ = [
    "_add_months", "assessment_approve", "assessment_printed", "assessment_save", "assessment_start",
    "case_move", "case_open", "case_update", "case_viewed", "closure_approve", "closure_reject",
    "closure_request", "contact_record", "follow_up_record", "referral_decide", "referral_register",
    "task_complete", "task_create",
]  # fmt: skip
