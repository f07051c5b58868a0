"""What the programmes add to pages of other apps (home, my work, a person, a case), without
those apps' views knowing about it."""

from __future__ import annotations

from typing import Any

from django import template

from zakrila.accounts.policy import has_capability
from zakrila.programmes.queries import (
    enrolments_of_case,
    enrolments_of_person,
    visit_counts,
    visit_lists,
)

register = template.Library()


def _member(context: template.Context) -> tuple[Any, int | None]:
    request = context["request"]
    membership = getattr(request, "membership", None)
    return request.user, membership.organisation_id if membership else None


@register.inclusion_tag("programmes/_home_visits.html", takes_context=True)
def home_programme_visits(context: template.Context) -> dict[str, Any]:
    """On the home page: the worker's overdue visits and those due this week."""
    user, organisation_id = _member(context)
    if organisation_id is None or not has_capability(user, "enrolment.visit", organisation_id):
        return {"show": False}
    overdue, due = visit_counts(user=user, organisation_id=organisation_id, worker_id=user.pk)
    return {"show": True, "overdue": overdue, "due": due}


@register.inclusion_tag("programmes/_my_visits.html", takes_context=True)
def my_programme_visits(context: template.Context) -> dict[str, Any]:
    """On "my work": the worker's programme visits, overdue first."""
    user, organisation_id = _member(context)
    if organisation_id is None or not has_capability(user, "enrolment.view", organisation_id):
        return {"show": False}
    lists = visit_lists(user=user, organisation_id=organisation_id, worker_id=user.pk)
    return {"show": True, "lists": lists}


@register.inclusion_tag("programmes/_enrolments.html", takes_context=True)
def person_enrolments(context: template.Context, person: Any) -> dict[str, Any]:
    user, _organisation_id = _member(context)
    if not has_capability(user, "enrolment.view", person.organisation_id):
        return {"show": False}
    return {
        "show": True,
        "enrolments": enrolments_of_person(user=user, person=person),
        "enrol_person": person
        if has_capability(user, "enrolment.manage", person.organisation_id)
        else None,
    }


@register.inclusion_tag("programmes/_enrolments.html", takes_context=True)
def case_enrolments(context: template.Context, case: Any) -> dict[str, Any]:
    user, _organisation_id = _member(context)
    if not has_capability(user, "enrolment.view", case.organisation_id):
        return {"show": False}
    return {
        "show": True,
        "enrolments": enrolments_of_case(user=user, case=case),
        "enrol_person": case.person
        if has_capability(user, "enrolment.manage", case.organisation_id)
        else None,
    }
