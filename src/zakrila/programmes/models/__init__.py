"""The programmes' models, one module per topic; each is imported here."""

from zakrila.programmes.models.calls import (  # noqa: F401
    Call,
    CallChannel,
    CallCounter,
    CallerKind,
    NonContact,
    NonContactKind,
    OnwardReferral,
)
from zakrila.programmes.models.enrolments import (  # noqa: F401
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitKind,
    VisitStatus,
)
from zakrila.programmes.models.groups import (  # noqa: F401
    Attendance,
    AttendanceStatus,
    Group,
    GroupMember,
    GroupSession,
)
from zakrila.programmes.models.outreach import (  # noqa: F401
    DropInVisit,
    OutreachContact,
    OutreachKind,
    OutreachSession,
)
from zakrila.programmes.models.prevention import (  # noqa: F401
    MATERNITY_HEALTH_RISKS,
    InstitutionKind,
    InstitutionLeaving,
    MaternityRisk,
    MaternitySignal,
    ParentGoal,
    Pregnancy,
    PregnancyRisk,
    Screening,
    naegele_due_date,
    naegele_last_period,
)
