"""Changes to the programmes' records, one transaction each with its audit events."""

from zakrila.programmes.services.enrolments import (  # noqa: F401
    enrolment_end,
    enrolment_move_stage,
    enrolment_set_anchors,
    enrolment_start,
    schedule_visits,
    visit_miss,
    visit_record,
)
from zakrila.programmes.services.prevention import (  # noqa: F401
    goal_add,
    goal_met,
    leaving_record,
    leaving_register,
    maternity_signal_register,
    pregnancy_birth,
    pregnancy_register,
    screening_record,
)
