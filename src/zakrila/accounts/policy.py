"""The one place that decides who may see and do what.

Inputs are the user's current memberships (organisation, roles, units) and the record's
organisation and unit. Lists start from ``*_visible_to(user)``; single records are fetched with
``get_visible_or_404`` so that a record of another organisation is a 404 that does not confirm
it exists. A right that is missing on a record the user may see is a ``PermissionDenied`` (403)
with a plain message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zakrila.accounts.models import Membership, Role

M = TypeVar("M", bound=models.Model)

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


@dataclass(frozen=True)
class Reach:
    """What one membership reaches: an organisation, some roles, all or some units."""

    organisation_id: int
    roles: frozenset[str]
    unit_ids: frozenset[int] | None  # None: every unit of the organisation


@dataclass
class Access:
    """Everything the policy needs about a user, loaded once per request."""

    user_id: int | None
    is_superuser: bool = False
    reaches: list[Reach] = field(default_factory=list)

    @property
    def organisation_ids(self) -> set[int]:
        return {reach.organisation_id for reach in self.reaches}

    def roles_in(self, organisation_id: int | None) -> frozenset[str]:
        for reach in self.reaches:
            if reach.organisation_id == organisation_id:
                return reach.roles
        return frozenset()

    def reach_in(self, organisation_id: int | None) -> Reach | None:
        for reach in self.reaches:
            if reach.organisation_id == organisation_id:
                return reach
        return None


def access_for(user: Any) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Access(user_id=None)
    cached = getattr(user, "_zakrila_access", None)
    if cached is not None:
        return cached
    memberships = (
        Membership.objects.current().filter(user=user).prefetch_related("units").order_by("id")
    )
    return access_from_memberships(user, memberships)


def access_from_memberships(user: Any, memberships: Iterable[Membership]) -> Access:
    """The access of these memberships (their units prefetched), cached on the user: the
    middleware reads the memberships once per request and the policy reuses them."""
    reaches = []
    for membership in memberships:
        unit_ids = frozenset(unit.pk for unit in membership.units.all())
        reaches.append(
            Reach(
                organisation_id=membership.organisation_id,
                roles=frozenset(membership.roles),
                unit_ids=unit_ids or None,
            )
        )
    access = Access(user_id=user.pk, is_superuser=user.is_superuser, reaches=reaches)
    user._zakrila_access = access
    return access


def forget_access(user: Any) -> None:
    if hasattr(user, "_zakrila_access"):
        del user._zakrila_access


def has_capability(user: Any, capability: str, organisation_id: int | None) -> bool:
    allowed = CAPABILITIES[capability]
    return bool(access_for(user).roles_in(organisation_id) & allowed)


def require(user: Any, capability: str, *, organisation_id: int | None) -> None:
    """Refuse with a plain message when the user lacks the capability in this organisation."""
    if not has_capability(user, capability, organisation_id):
        message = CAPABILITY_REFUSALS.get(capability) or _(
            "You do not have the right to do this. Ask your director if you need it."
        )
        raise PermissionDenied(str(message))


# --- What a user may see ----------------------------------------------------------------------


def organisations_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.organisations.models import Organisation

    return Organisation.objects.filter(pk__in=access_for(user).organisation_ids, is_active=True)


def units_visible_to(user: Any) -> models.QuerySet[Any]:
    """Units of the user's organisations; a membership limited to units sees only those."""
    from zakrila.organisations.models import Unit

    return Unit.objects.filter(_unit_scope(access_for(user), "pk"))


def programmes_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.organisations.models import Programme

    return Programme.objects.filter(_unit_scope(access_for(user), "unit_id"))


def contracts_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.organisations.models import Contract

    access = access_for(user)
    allowed = CAPABILITIES["contract.view"]
    org_ids = [r.organisation_id for r in access.reaches if r.roles & allowed]
    return Contract.objects.filter(organisation_id__in=org_ids)


def people_visible_to(user: Any, *, include_merged: bool = False) -> models.QuerySet[Any]:
    """People the user may open: their organisations' people, not merged away (unless asked,
    to follow an old link to the record it was merged into); a membership limited to units
    sees the people of those units."""
    from zakrila.people.models import Person

    access = access_for(user)
    allowed = CAPABILITIES["person.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    people = Person.objects.all() if include_merged else Person.objects.active()
    return people.filter(_unit_scope(Access(access.user_id, reaches=reaches), "unit_id"))


def person_openable(user: Any, person: Any) -> bool:
    """Whether the user may open this (loaded) person's page: ``people_visible_to`` answered
    from the row itself, without a query, so that a page shows no link that would be a 404
    (a member limited to one unit and a relative registered by another)."""
    if person is None or person.merged_into_id is not None:
        return False
    allowed = CAPABILITIES["person.view"]
    return any(
        reach.organisation_id == person.organisation_id
        and reach.roles & allowed
        and (reach.unit_ids is None or person.unit_id in reach.unit_ids)
        for reach in access_for(user).reaches
    )


def household_openable(user: Any, household: Any) -> bool:
    """``households_visible_to`` for a loaded household (its child loaded with it)."""
    return household is not None and person_openable(user, household.child)


def households_visible_to(user: Any) -> models.QuerySet[Any]:
    """Households whose child the user may see."""
    from zakrila.people.models import Household

    return Household.objects.filter(child__in=people_visible_to(user))


def can_see_confidential(user: Any, record: Any) -> bool:
    """Health, disability, abuse and violence details of this record's person (the same rule
    as ``withheld_fields`` for a person)."""
    return has_capability(user, "person.confidential", record.organisation_id)


def cases_visible_to(user: Any) -> models.QuerySet[Any]:
    """Cases the user may open: their organisations' (or units') cases; a restricted case only
    for its key worker, its team and the director."""
    from zakrila.cases.models import Case

    access = access_for(user)
    allowed = CAPABILITIES["case.view"]
    user_id = access.user_id or 0  # an anonymous user is on no team
    on_team = models.Q(key_worker_id=user_id) | models.Q(
        pk__in=Case.team.through.objects.filter(user_id=user_id).values("case_id")
    )
    scope = models.Q(pk__in=[])
    for reach in access.reaches:
        if not reach.roles & allowed:
            continue
        condition = models.Q(organisation_id=reach.organisation_id)
        if reach.unit_ids is not None:
            condition &= models.Q(unit_id__in=sorted(reach.unit_ids))
        if Role.DIRECTOR not in reach.roles:
            condition &= models.Q(is_restricted=False) | on_team
        scope |= condition
    return Case.objects.filter(scope)


def referrals_visible_to(user: Any) -> models.QuerySet[Any]:
    """Referrals to the units the user reaches, for the roles that work with cases; a referral
    that opened a restricted case is seen only by those who see that case."""
    from zakrila.cases.models import Referral

    access = access_for(user)
    allowed = CAPABILITIES["case.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    return Referral.objects.filter(
        _unit_scope(Access(access.user_id, reaches=reaches), "unit_id")
    ).filter(models.Q(case__isnull=True) | models.Q(case__in=cases_visible_to(user)))


# Everything that hangs off a case inherits the case's visibility, restriction included: the
# path from each kind of record to its case.
_CASE_PATHS: dict[str, str] = {
    "cases.contact": "case",
    "cases.assessment": "case",
    "cases.supportplan": "case",
    "cases.plangoal": "plan__case",
    "cases.planactivity": "goal__plan__case",
    "cases.planreview": "plan__case",
    "cases.servicecontract": "case",
    "cases.contractannex": "contract__case",
    "cases.casedocument": "case",
    "cases.closure": "case",
    "cases.followup": "case",
    "cases.casestatuschange": "case",
}


def register_case_path(label: str, path: str) -> None:
    """Another app's record that hangs off a case (e.g. a programme enrolment) inherits the
    case's visibility through ``case_records_visible_to``."""
    _CASE_PATHS[label] = path


def case_records_visible_to(user: Any, model: type[M]) -> models.QuerySet[M]:
    """Records of ``model`` whose case the user may see (a restricted case: its team only)."""
    path = _CASE_PATHS[model._meta.label_lower]
    return model._default_manager.filter(**{f"{path}__in": cases_visible_to(user)})


def tasks_visible_to(user: Any) -> models.QuerySet[Any]:
    """Tasks of a case the user may see; a task without a case, to the person it is for and to
    the director."""
    from zakrila.cases.models import Task

    access = access_for(user)
    allowed = CAPABILITIES["case.view"]
    own = models.Q(pk__in=[])
    for reach in access.reaches:
        if not reach.roles & allowed:
            continue
        condition = models.Q(organisation_id=reach.organisation_id, case__isnull=True)
        if Role.DIRECTOR not in reach.roles:
            condition &= models.Q(assignee_id=access.user_id or 0)
        own |= condition
    return Task.objects.filter(own | models.Q(case__in=cases_visible_to(user)))


def placements_visible_to(user: Any) -> models.QuerySet[Any]:
    """Placements in the units the user reaches whose case the user may see."""
    from zakrila.placements.models import Placement

    access = access_for(user)
    allowed = CAPABILITIES["placement.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    scope = _unit_scope(Access(access.user_id, reaches=reaches), "unit_id")
    return Placement.objects.filter(scope, case__in=cases_visible_to(user))


def residential_units_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.organisations.models import RESIDENTIAL_KINDS

    access = access_for(user)
    allowed = CAPABILITIES["placement.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    return units_visible_to(user).filter(
        _unit_scope(Access(access.user_id, reaches=reaches), "pk"), kind__in=RESIDENTIAL_KINDS
    )


def is_on_case_team(user: Any, case: Any) -> bool:
    return bool(case.key_worker_id == user.pk or case.team.filter(pk=user.pk).exists())


def can_read_case_confidential(user: Any, case: Any) -> bool:
    """Confidential contact notes and abuse details: the case team, the director, specialists."""
    roles = access_for(user).roles_in(case.organisation_id)
    return bool(roles & {Role.DIRECTOR, Role.SPECIALIST}) or (
        bool(roles & CAPABILITIES["case.view"]) and is_on_case_team(user, case)
    )


# --- Fields that only some roles see -----------------------------------------------------------
# One rule for the pages, the exports, the PDFs and (later) the API: a record is shown with
# ``withheld_fields(user, record)`` taken out, and an export marks each of them as withheld,
# with the reason, instead of leaving it out silently (``withheld_marker``).

WITHHELD_REASONS: dict[str, Any] = {
    "person.confidential": gettext_lazy(
        "Health, disability, abuse and violence details are seen only by the director, case "
        "managers, specialists and carers."
    ),
    "case.confidential": gettext_lazy(
        "A confidential note: seen only by the case team, the director and specialists."
    ),
    "case.restricted": gettext_lazy("A restricted case: seen only by its team and the director."),
    "case.unit": gettext_lazy("A case of a unit you do not work in."),
}


def withheld_fields(user: Any, record: Any) -> dict[str, str]:
    """The fields of this record the user may not see, each with the reason (empty: all)."""
    label = record._meta.label_lower
    if label == "people.person":
        if has_capability(user, "person.confidential", record.organisation_id):
            return {}
        reason = str(WITHHELD_REASONS["person.confidential"])
        return dict.fromkeys(record.SENSITIVE_FIELDS, reason)
    if label == "cases.contact":
        if record.is_confidential and not _case_confidential_cached(user, record.case):
            return {"note": str(WITHHELD_REASONS["case.confidential"])}
        return {}
    return {}


def withheld_marker(reason: str) -> dict[str, Any]:
    """What an export holds in place of a value (or a whole record) the user may not see."""
    return {"withheld": True, "reason": reason}


def is_withheld(value: Any) -> bool:
    return isinstance(value, dict) and value.get("withheld") is True


def case_withheld_reason(user: Any, case: Any) -> str | None:
    """Why the user may not see this case (a restricted case, another unit), or None."""
    if cases_visible_to(user).filter(pk=case.pk).exists():
        return None
    if case.is_restricted and has_capability(user, "case.view", case.organisation_id):
        return str(WITHHELD_REASONS["case.restricted"])
    return str(WITHHELD_REASONS["case.unit"])


def _case_confidential_cached(user: Any, case: Any) -> bool:
    """``can_read_case_confidential``, asked once per case and user (an export asks it for every
    contact of the case)."""
    cache = case.__dict__.setdefault("_zakrila_confidential", {})
    if user.pk not in cache:
        cache[user.pk] = can_read_case_confidential(user, case)
    return bool(cache[user.pk])


def _unit_scope(access: Access, unit_field: str) -> models.Q:
    """A filter for records that carry a unit: whole organisations, or the listed units."""
    scope = models.Q(pk__in=[])
    for reach in access.reaches:
        condition = models.Q(organisation_id=reach.organisation_id)
        if reach.unit_ids is not None:
            condition &= models.Q(**{f"{unit_field}__in": sorted(reach.unit_ids)})
        scope |= condition
    return scope


def get_visible_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """One record from a visible queryset, or a 404 that says nothing about other records."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(_("There is no such record, or you may not see it.")) from None


def roles_for_display(roles: Iterable[str]) -> list[str]:
    return [str(Role(role).label) for role in roles if role in Role.values]


# --- The training centre ---------------------------------------------------------------------


def _training_scope(user: Any) -> models.Q:
    """The training centre serves the whole organisation and its records carry no unit: the
    organisations where the user's roles may see training, whatever units they are limited to."""
    access = access_for(user)
    allowed = CAPABILITIES["training.view"]
    return models.Q(
        organisation_id__in=sorted(r.organisation_id for r in access.reaches if r.roles & allowed)
    )


def training_programmes_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import TrainingProgramme

    return TrainingProgramme.objects.filter(_training_scope(user))


def editions_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import ProgrammeEdition

    return ProgrammeEdition.objects.filter(_training_scope(user))


def training_modules_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import Module

    return Module.objects.filter(_training_scope(user))


def cohorts_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import Cohort

    return Cohort.objects.filter(_training_scope(user))


def trainees_visible_to(user: Any) -> models.QuerySet[Any]:
    """The specialists of the cohorts the user may see."""
    from zakrila.training.models import Trainee

    return Trainee.objects.filter(_training_scope(user))


def training_sessions_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import TrainingSession

    return TrainingSession.objects.filter(_training_scope(user))


def certificates_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import Certificate

    return Certificate.objects.filter(_training_scope(user))


# --- Programmes (#10) ----------------------------------------------------------------------------


def _enrolment_scope(user: Any, *, case_field: str) -> models.Q:
    """Records of enrolments in the units the user reaches, for the roles that work with the
    programmes' families; an enrolment linked to a case the user may not see (a restricted
    case off their team) is hidden with it."""
    access = access_for(user)
    allowed = CAPABILITIES["enrolment.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    scope = _unit_scope(Access(access.user_id, reaches=reaches), "unit_id")
    return scope & (
        models.Q(**{f"{case_field}__isnull": True})
        | models.Q(**{f"{case_field}__in": cases_visible_to(user)})
    )


def enrolments_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.programmes.models import Enrolment

    return Enrolment.objects.filter(_enrolment_scope(user, case_field="case"))


def visits_visible_to(user: Any) -> models.QuerySet[Any]:
    """Visits of the enrolments the user may see (a visit carries its enrolment's unit)."""
    from zakrila.programmes.models import Visit

    return Visit.objects.filter(_enrolment_scope(user, case_field="enrolment__case"))


# --- Donations and volunteers ----------------------------------------------------------------


def _giving_scope(user: Any) -> models.Q:
    """Donations, stores and volunteers serve the whole organisation: the organisations where
    the user's roles may see giving, whatever units they are limited to."""
    access = access_for(user)
    allowed = CAPABILITIES["giving.view"]
    return models.Q(
        organisation_id__in=sorted(r.organisation_id for r in access.reaches if r.roles & allowed)
    )


def giving_visible_to(user: Any, model: type[M]) -> models.QuerySet[M]:
    """Records of the giving app (stores, items, donors, donations, volunteers, needs,
    assignments, distributions) for the roles that work with giving."""
    return model._default_manager.filter(_giving_scope(user))


def distributions_visible_to(user: Any) -> models.QuerySet[Any]:
    """Distributions the user may see: every one of the organisation for the giving roles; for
    a case worker, those to the cases and the families they may see (a restricted case: its
    team only)."""
    from zakrila.giving.models import Distribution

    return Distribution.objects.filter(
        _giving_scope(user)
        | models.Q(case__in=cases_visible_to(user))
        | models.Q(household__in=households_visible_to(user))
    )


# --- Groups, the SOS line, street and field work ------------------------------------------------


def _unit_scope_for(user: Any, capability: str, unit_field: str = "unit_id") -> models.Q:
    """Records of the units the user reaches, in the organisations where a role of theirs has
    ``capability``."""
    access = access_for(user)
    allowed = CAPABILITIES[capability]
    reaches = [r for r in access.reaches if r.roles & allowed]
    return _unit_scope(Access(access.user_id, reaches=reaches), unit_field)


def calls_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.programmes.models import Call

    return Call.objects.filter(_unit_scope_for(user, "line.view"))


def groups_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.programmes.models import Group

    return Group.objects.filter(_unit_scope_for(user, "group.view"))


def group_sessions_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.programmes.models import GroupSession

    return GroupSession.objects.filter(_unit_scope_for(user, "group.view", "group__unit_id"))


def outreach_sessions_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.programmes.models import OutreachSession

    return OutreachSession.objects.filter(_unit_scope_for(user, "outreach.view"))


def outreach_people_visible_to(user: Any) -> models.QuerySet[Any]:
    """The people met in street and field work that the user may open in that work: those of
    the units the user reaches with ``outreach.view``, who are people the user may see."""
    return people_visible_to(user).filter(_unit_scope_for(user, "outreach.view"))


def non_contacts_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.programmes.models import NonContact

    return NonContact.objects.filter(_unit_scope_for(user, "line.view"))
