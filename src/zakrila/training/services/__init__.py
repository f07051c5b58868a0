"""Writes of the training centre: each one transaction with its audit event."""

from zakrila.training.services.certificates import (
    certificate_issue,
    certificate_printed,
    certificate_revoke,
    certificates_issue_for_cohort,
)
from zakrila.training.services.cohorts import (
    attendance_record,
    cohort_create,
    cohort_update,
    session_schedule,
    trainee_add,
    trainee_update,
)
from zakrila.training.services.feedback import feedback_record
from zakrila.training.services.programmes import (
    edition_new,
    edition_publish,
    edition_update,
    module_add,
    module_update,
    programme_create,
)

__all__ = [
    "attendance_record",
    "certificate_issue",
    "certificate_printed",
    "certificate_revoke",
    "certificates_issue_for_cohort",
    "cohort_create",
    "cohort_update",
    "edition_new",
    "edition_publish",
    "edition_update",
    "feedback_record",
    "module_add",
    "module_update",
    "programme_create",
    "session_schedule",
    "trainee_add",
    "trainee_update",
]
