"""The programmes (#10, #11): enrolments and visits; groups, the SOS line, street and field
work."""

from __future__ import annotations

from typing import Any

from django.db import models

from zakrila.accounts.policy.access import Access, access_for, unit_scope
from zakrila.accounts.policy.capabilities import CAPABILITIES
from zakrila.accounts.policy.cases import cases_visible_to
from zakrila.accounts.policy.people import people_visible_to


def _enrolment_scope(user: Any, *, case_field: str) -> models.Q:
    """Records of enrolments in the units the user reaches, for the roles that work with the
    programmes' families; an enrolment linked to a case the user may not see (a restricted
    case off their team) is hidden with it."""
    access = access_for(user)
    allowed = CAPABILITIES["enrolment.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    scope = unit_scope(Access(access.user_id, reaches=reaches), "unit_id")
    return scope & (
        models.Q(**{f"{case_field}__isnull": True})
        | models.Q(**{f"{case_field}__in": cases_visible_to(user)})
    )


def enrolments_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.programmes.models import Enrolment

    return Enrolment.objects.filter(_enrolment_scope(user, case_field="case"))


def enrolments_of_visible_case(user: Any, case: Any) -> models.QuerySet[Any]:
    """The enrolments linked to ``case``, which the caller has already found visible to the
    user (``cases.queries.case_for``): the case's half of the scope holds, so only the units
    are checked, without the case policy's subquery."""
    from zakrila.programmes.models import Enrolment

    return Enrolment.objects.filter(_unit_scope_for(user, "enrolment.view"), case_id=case.pk)


def visits_visible_to(user: Any) -> models.QuerySet[Any]:
    """Visits of the enrolments the user may see (a visit carries its enrolment's unit and
    case, so the lists need not join the enrolments)."""
    from zakrila.programmes.models import Visit

    return Visit.objects.filter(_enrolment_scope(user, case_field="case"))


# --- Groups, the SOS line, street and field work ------------------------------------------------


def _unit_scope_for(user: Any, capability: str, unit_field: str = "unit_id") -> models.Q:
    """Records of the units the user reaches, in the organisations where a role of theirs has
    ``capability``."""
    access = access_for(user)
    allowed = CAPABILITIES[capability]
    reaches = [r for r in access.reaches if r.roles & allowed]
    return unit_scope(Access(access.user_id, reaches=reaches), unit_field)


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
