"""The table of capabilities: which roles may do what, and the plain refusal for each."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from zakrila.accounts.models import Role

ALL_ROLES = frozenset(Role.values)

# Each capability lists the roles that have it. One table, read by views, templates and tests.
CAPABILITIES: dict[str, frozenset[str]] = {
    "organisation.view": ALL_ROLES,
    "unit.view": ALL_ROLES,
    "programme.view": ALL_ROLES,
    "contract.view": frozenset({Role.DIRECTOR, Role.DPO, Role.AUDITOR, Role.CASE_MANAGER}),
    "audit.view": frozenset({Role.DIRECTOR, Role.DPO}),
    "audit.search": frozenset({Role.DPO}),
    "privacy.records": frozenset({Role.DPO, Role.DIRECTOR, Role.AUDITOR}),
    # People and households. Trainers work with other organisations' specialists, not families;
    # the giving coordinator with donors, volunteers and the stores (giving only).
    "person.view": ALL_ROLES - {Role.TRAINER, Role.GIVING_COORDINATOR},
    "person.edit": frozenset(
        {Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.FIELD_WORKER}
    ),
    # Health, disability, abuse and violence details: the people who care for the child.
    "person.confidential": frozenset(
        {Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.CARER}
    ),
    "person.merge": frozenset({Role.DIRECTOR, Role.CASE_MANAGER}),
    "person.history": frozenset({Role.DIRECTOR, Role.DPO}),
    "person.export": frozenset({Role.DIRECTOR, Role.DPO}),
    "person.erase": frozenset({Role.DIRECTOR, Role.DPO}),
    # Cases. Restricted cases narrow this further to the case team and the director.
    "case.view": frozenset(
        {
            Role.DIRECTOR,
            Role.CASE_MANAGER,
            Role.SPECIALIST,
            Role.FIELD_WORKER,
            Role.CARER,
            Role.DPO,
            Role.AUDITOR,
        }
    ),
    "case.open": frozenset({Role.DIRECTOR, Role.CASE_MANAGER}),
    "case.manage": frozenset({Role.DIRECTOR, Role.CASE_MANAGER}),
    "case.contact": frozenset(
        {Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.FIELD_WORKER}
    ),
    "case.history": frozenset({Role.DIRECTOR, Role.DPO}),
    "case.approve": frozenset({Role.DIRECTOR}),
    "case.approve_assessment": frozenset({Role.DIRECTOR}),
    "case.assess": frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST}),
    # Residential units: carers are on duty at night and admit children too.
    "placement.view": frozenset(
        {Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.CARER, Role.DPO, Role.AUDITOR}
    ),
    "placement.admit": frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.CARER}),
    "placement.override": frozenset({Role.DIRECTOR}),
    "placement.diary": frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.CARER}),
    # The training resource centre: specialists of other organisations, not families. The
    # trainer and the director run it; the DPO and auditors read it, as they read every
    # record of personal data; the other roles have no reason to see who was trained.
    "training.view": frozenset({Role.TRAINER, Role.DIRECTOR, Role.DPO, Role.AUDITOR}),
    "training.manage": frozenset({Role.TRAINER, Role.DIRECTOR}),
    # Programmes that prevent abandonment (#10): who is enrolled and their visits. Health data
    # of a pregnancy (risk flags, registration with doctors) also needs "person.confidential".
    "enrolment.view": frozenset(
        {
            Role.DIRECTOR,
            Role.CASE_MANAGER,
            Role.SPECIALIST,
            Role.FIELD_WORKER,
            Role.CARER,
            Role.DPO,
            Role.AUDITOR,
        }
    ),
    "enrolment.manage": frozenset(
        {Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.FIELD_WORKER}
    ),
    "enrolment.visit": frozenset(
        {Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.FIELD_WORKER}
    ),
    "enrolment.export": frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.DPO}),
    # Donations and volunteers: the coordinator and the director run them; the DPO and
    # auditors read them. Case workers see the distributions to their cases on the case page.
    "giving.view": frozenset({Role.GIVING_COORDINATOR, Role.DIRECTOR, Role.DPO, Role.AUDITOR}),
    "giving.manage": frozenset({Role.GIVING_COORDINATOR, Role.DIRECTOR}),
    # Groups, the SOS line, street and field work (#11). Mostly anonymous; the people who do
    # the work record it, the DPO and auditors read it.
    "line.view": frozenset(
        {
            Role.DIRECTOR,
            Role.CASE_MANAGER,
            Role.SPECIALIST,
            Role.FIELD_WORKER,
            Role.DPO,
            Role.AUDITOR,
        }
    ),
    "line.log": frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.FIELD_WORKER}),
    "group.view": frozenset(
        {
            Role.DIRECTOR,
            Role.CASE_MANAGER,
            Role.SPECIALIST,
            Role.FIELD_WORKER,
            Role.DPO,
            Role.AUDITOR,
        }
    ),
    "group.manage": frozenset(
        {Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.FIELD_WORKER}
    ),
    "outreach.view": frozenset(
        {
            Role.DIRECTOR,
            Role.CASE_MANAGER,
            Role.SPECIALIST,
            Role.FIELD_WORKER,
            Role.DPO,
            Role.AUDITOR,
        }
    ),
    "outreach.record": frozenset(
        {Role.DIRECTOR, Role.CASE_MANAGER, Role.SPECIALIST, Role.FIELD_WORKER}
    ),
    # The street team opens a case for a child it has identified, not only a case manager.
    "outreach.open_case": frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.FIELD_WORKER}),
}

CAPABILITY_REFUSALS: dict[str, Any] = {
    "contract.view": gettext_lazy(
        "Only the director, the case managers, the DPO and auditors see contracts."
    ),
    "audit.view": gettext_lazy(
        "Only the director and the data protection officer see the audit trail."
    ),
    "audit.search": gettext_lazy("Only the data protection officer searches the audit trail."),
    "person.view": gettext_lazy("Your role does not work with people's files."),
    "person.edit": gettext_lazy(
        "Only the director, case managers, specialists and field workers change people's records."
    ),
    "person.merge": gettext_lazy("Only the director and case managers merge duplicate records."),
    "person.history": gettext_lazy(
        "Only the director and the data protection officer see who opened a file."
    ),
    "person.export": gettext_lazy(
        "Only the director and the data protection officer export a person's data."
    ),
    "person.erase": gettext_lazy(
        "Only the director and the data protection officer erase a person's data."
    ),
    "privacy.records": gettext_lazy(
        "Only the director, the data protection officer and auditors see the records of processing."
    ),
    "case.view": gettext_lazy("Your role does not work with cases."),
    "case.open": gettext_lazy(
        "Only the director and case managers register referrals and open cases."
    ),
    "case.manage": gettext_lazy(
        "Only the director and case managers change a case's stage, team and risk."
    ),
    "case.contact": gettext_lazy(
        "Only the director, case managers, specialists and field workers record contacts."
    ),
    "case.history": gettext_lazy(
        "Only the director and the data protection officer see who opened a file."
    ),
    "case.approve": gettext_lazy("Only the director approves the closure of a case."),
    "case.approve_assessment": gettext_lazy("Only the director approves assessments and plans."),
    "case.assess": gettext_lazy(
        "Only the director, case managers and specialists fill in assessments and plans."
    ),
    "placement.view": gettext_lazy("Your role does not work with the residential units."),
    "placement.admit": gettext_lazy(
        "Only the director, case managers and carers admit and discharge children."
    ),
    "placement.override": gettext_lazy("Only the director admits a child over capacity."),
    "placement.diary": gettext_lazy(
        "Only carers, specialists, case managers and the director write the care diary."
    ),
    "training.view": gettext_lazy("Your role does not work with the training centre."),
    "enrolment.view": gettext_lazy("Your role does not work with the programmes' families."),
    "enrolment.manage": gettext_lazy(
        "Only the director, case managers, specialists and field workers enrol people and record outcomes."
    ),
    "enrolment.visit": gettext_lazy(
        "Only the director, case managers, specialists and field workers record visits."
    ),
    "enrolment.export": gettext_lazy(
        "Only the director, case managers and the DPO export a programme's enrolments."
    ),
    "training.manage": gettext_lazy(
        "Only the trainers and the director change programmes, cohorts, attendance and certificates."
    ),
    "giving.view": gettext_lazy("Your role does not work with donations and volunteers."),
    "giving.manage": gettext_lazy(
        "Only the donations and volunteers coordinator and the director record donations, "
        "distributions, volunteers and their hours."
    ),
    "line.view": gettext_lazy("Your role does not work with the SOS line."),
    "line.log": gettext_lazy(
        "Only the director, case managers, specialists and field workers log calls."
    ),
    "group.view": gettext_lazy("Your role does not work with groups."),
    "group.manage": gettext_lazy(
        "Only the director, case managers, specialists and field workers run groups and take "
        "their attendance."
    ),
    "outreach.view": gettext_lazy("Your role does not work with street and field work."),
    "outreach.record": gettext_lazy(
        "Only the director, case managers, specialists and field workers record street and "
        "field work."
    ),
    "outreach.open_case": gettext_lazy(
        "Only the director, case managers and the street team open a case from street work."
    ),
}
