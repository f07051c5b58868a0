"""The programmes' models, one module per topic; each is imported here."""

from zakrila.programmes.models.enrolments import (  # noqa: F401
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitKind,
    VisitStatus,
)
