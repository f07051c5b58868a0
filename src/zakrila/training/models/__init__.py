"""The training resource centre's records, by topic."""

from zakrila.training.models.certificates import Certificate
from zakrila.training.models.cohorts import (
    Attendance,
    Cohort,
    EmployerType,
    Region,
    Trainee,
    TrainingSession,
)
from zakrila.training.models.feedback import FeedbackResponse, FeedbackTemplate
from zakrila.training.models.programmes import (
    CompletionRule,
    EditionStatus,
    Module,
    ProgrammeEdition,
    TrainingProgramme,
)

__all__ = [
    "Attendance",
    "Certificate",
    "Cohort",
    "CompletionRule",
    "EditionStatus",
    "EmployerType",
    "FeedbackResponse",
    "FeedbackTemplate",
    "Module",
    "ProgrammeEdition",
    "Region",
    "Trainee",
    "TrainingProgramme",
    "TrainingSession",
]
