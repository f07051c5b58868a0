"""The programmes' models, one module per topic; each is imported here."""

from zakrila.programmes.models.calls import (
    Call,
    CallChannel,
    CallCounter,
    CallerKind,
    NonContact,
    NonContactKind,
    OnwardReferral,
)
from zakrila.programmes.models.groups import (
    Attendance,
    AttendanceStatus,
    Group,
    GroupMember,
    GroupSession,
)
from zakrila.programmes.models.outreach import (
    DropInVisit,
    OutreachContact,
    OutreachKind,
    OutreachSession,
)

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "Call",
    "CallChannel",
    "CallCounter",
    "CallerKind",
    "DropInVisit",
    "Group",
    "GroupMember",
    "GroupSession",
    "NonContact",
    "NonContactKind",
    "OnwardReferral",
    "OutreachContact",
    "OutreachKind",
    "OutreachSession",
]
