"""The cases app's models, by topic: the casework itself, assessments, support plans and
reviews, and documents."""

from zakrila.cases.models.assessments import (
    AnswerType,
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    TemplateQuestion,
    TemplateSection,
)
from zakrila.cases.models.casework import (
    CASE_TRANSITIONS,
    FAMILY_OUTCOMES,
    FOLLOW_UP_MONTHS,
    Case,
    CaseCounter,
    CaseQuerySet,
    CaseStatus,
    CaseStatusChange,
    Closure,
    ClosureOutcome,
    Contact,
    ContactKind,
    FollowUp,
    Referral,
    ReferralDecision,
    ReferralSource,
    RiskLevel,
    Task,
    TaskKind,
    TaskQuerySet,
)

__all__ = [
    "CASE_TRANSITIONS", "FAMILY_OUTCOMES", "FOLLOW_UP_MONTHS", "AnswerType", "Assessment",
    "AssessmentStatus", "AssessmentTemplate", "Case", "CaseCounter", "CaseQuerySet", "CaseStatus",
    "CaseStatusChange", "Closure", "ClosureOutcome", "Contact", "ContactKind", "FollowUp", "Referral",
    "ReferralDecision", "ReferralSource", "RiskLevel", "Task", "TaskKind", "TaskQuerySet",
    "TemplateQuestion", "TemplateSection",
]  # fmt: skip
