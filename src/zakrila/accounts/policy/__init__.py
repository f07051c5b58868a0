"""The one place that decides who may see and do what.

Inputs are the user's current memberships (organisation, roles, units) and the record's
organisation and unit. Lists start from ``*_visible_to(user)``; single records are fetched with
``get_visible_or_404`` so that a record of another organisation is a 404 that does not confirm
it exists. A right that is missing on a record the user may see is a ``PermissionDenied`` (403)
with a plain message.

The rules live in this package by topic (``capabilities``, ``access``, ``people``, ``cases``,
``withheld``, ...); callers import them from here.
"""

from __future__ import annotations

from zakrila.accounts.policy.access import (
    Access,
    Reach,
    access_for,
    access_from_memberships,
    forget_access,
    get_visible_or_404,
    has_capability,
    require,
    roles_for_display,
)
from zakrila.accounts.policy.capabilities import (
    ALL_ROLES,
    CAPABILITIES,
    CAPABILITY_REFUSALS,
)
from zakrila.accounts.policy.cases import (
    can_read_case_confidential,
    case_records_visible_to,
    cases_visible_to,
    is_on_case_team,
    referrals_visible_to,
    referrals_waiting_visible_to,
    register_case_path,
    tasks_visible_to,
)
from zakrila.accounts.policy.giving import (
    distributions_visible_to,
    giving_visible_to,
)
from zakrila.accounts.policy.organisations import (
    contracts_visible_to,
    organisations_visible_to,
    programmes_visible_to,
    units_visible_to,
)
from zakrila.accounts.policy.people import (
    can_see_confidential,
    household_openable,
    households_visible_to,
    people_visible_to,
    person_openable,
)
from zakrila.accounts.policy.placements import (
    placements_visible_to,
    residential_units_visible_to,
)
from zakrila.accounts.policy.programmes import (
    calls_visible_to,
    enrolments_of_visible_case,
    enrolments_visible_to,
    group_sessions_visible_to,
    groups_visible_to,
    non_contacts_visible_to,
    outreach_people_visible_to,
    outreach_sessions_visible_to,
    visits_visible_to,
)
from zakrila.accounts.policy.training import (
    certificates_visible_to,
    cohorts_visible_to,
    editions_visible_to,
    trainees_visible_to,
    training_modules_visible_to,
    training_programmes_visible_to,
    training_sessions_visible_to,
)
from zakrila.accounts.policy.withheld import (
    WITHHELD_REASONS,
    case_withheld_reason,
    is_withheld,
    withheld_fields,
    withheld_marker,
)

__all__ = [
    "ALL_ROLES",
    "CAPABILITIES",
    "CAPABILITY_REFUSALS",
    "WITHHELD_REASONS",
    "Access",
    "Reach",
    "access_for",
    "access_from_memberships",
    "calls_visible_to",
    "can_read_case_confidential",
    "can_see_confidential",
    "case_records_visible_to",
    "case_withheld_reason",
    "cases_visible_to",
    "certificates_visible_to",
    "cohorts_visible_to",
    "contracts_visible_to",
    "distributions_visible_to",
    "editions_visible_to",
    "enrolments_of_visible_case",
    "enrolments_visible_to",
    "forget_access",
    "get_visible_or_404",
    "giving_visible_to",
    "group_sessions_visible_to",
    "groups_visible_to",
    "has_capability",
    "household_openable",
    "households_visible_to",
    "is_on_case_team",
    "is_withheld",
    "non_contacts_visible_to",
    "organisations_visible_to",
    "outreach_people_visible_to",
    "outreach_sessions_visible_to",
    "people_visible_to",
    "person_openable",
    "placements_visible_to",
    "programmes_visible_to",
    "referrals_visible_to",
    "referrals_waiting_visible_to",
    "register_case_path",
    "require",
    "residential_units_visible_to",
    "roles_for_display",
    "tasks_visible_to",
    "trainees_visible_to",
    "training_modules_visible_to",
    "training_programmes_visible_to",
    "training_sessions_visible_to",
    "units_visible_to",
    "visits_visible_to",
    "withheld_fields",
    "withheld_marker",
]
