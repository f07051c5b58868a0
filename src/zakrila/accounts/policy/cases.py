"""Cases, referrals, tasks and everything that hangs off a case: a restricted case narrows
all of them to its team and the director."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from zakrila.accounts.models import Role
from zakrila.accounts.policy.access import Access, access_for, unit_scope
from zakrila.accounts.policy.capabilities import CAPABILITIES

M = TypeVar("M", bound=models.Model)


def cases_visible_to(user: Any) -> models.QuerySet[Any]:
    """Cases the user may open: their organisations' (or units') cases; a restricted case only
    for its key worker, its team and the director."""
    from zakrila.cases.models import Case

    access = access_for(user)
    allowed = CAPABILITIES["case.view"]
    user_id = access.user_id or 0  # an anonymous user is on no team
    # EXISTS per restricted row, by the team's (case, user) key: a worker on hundreds of teams
    # would otherwise have every one of their team rows read and hashed on every list.
    on_team = models.Q(key_worker_id=user_id) | models.Q(
        models.Exists(
            Case.team.through.objects.filter(case_id=models.OuterRef("pk"), user_id=user_id)
        )
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


def _referral_unit_scope(user: Any) -> models.Q:
    access = access_for(user)
    allowed = CAPABILITIES["case.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    return unit_scope(Access(access.user_id, reaches=reaches), "unit_id")


def referrals_visible_to(user: Any) -> models.QuerySet[Any]:
    """Referrals to the units the user reaches, for the roles that work with cases; a referral
    that opened a restricted case is seen only by those who see that case."""
    from zakrila.cases.models import Referral

    return Referral.objects.filter(_referral_unit_scope(user)).filter(
        models.Q(case__isnull=True) | models.Q(case__in=cases_visible_to(user))
    )


def referrals_waiting_visible_to(user: Any) -> models.QuerySet[Any]:
    """The referrals waiting for a decision that the user may see: their unit alone decides.
    Only an accepted referral opens a case (``case_open`` refuses any other), so a waiting one
    has none and the query does not look in the table of cases for it: the case list asks it
    on every page view, and that anti-join was most of its cost."""
    from zakrila.cases.models import Referral, ReferralDecision

    return Referral.objects.filter(_referral_unit_scope(user), decision=ReferralDecision.PENDING)


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


def is_on_case_team(user: Any, case: Any) -> bool:
    if case.key_worker_id == user.pk:
        return True
    # The case page reads the team once for itself (prefetched); others ask the database.
    team = getattr(case, "_prefetched_objects_cache", {}).get("team")
    if team is not None:
        return any(member.pk == user.pk for member in team)
    return bool(case.team.filter(pk=user.pk).exists())


def can_read_case_confidential(user: Any, case: Any) -> bool:
    """Confidential contact notes and abuse details: the case team, the director, specialists."""
    roles = access_for(user).roles_in(case.organisation_id)
    return bool(roles & {Role.DIRECTOR, Role.SPECIALIST}) or (
        bool(roles & CAPABILITIES["case.view"]) and is_on_case_team(user, case)
    )
