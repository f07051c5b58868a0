"""Households: a child's family and its members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from zakrila.accounts.policy import (
    distributions_visible_to,
    get_visible_or_404,
    has_capability,
    households_visible_to,
    people_visible_to,
    require,
)
from zakrila.audit.services import audit_search, audit_view
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.core.text import query_text
from zakrila.core.wording import by_sex
from zakrila.people.forms import (
    HouseholdForm,
    HouseholdMemberForm,
)
from zakrila.people.models import Person
from zakrila.people.queries import search_people
from zakrila.people.services import (
    household_create,
    household_member_add,
)
from zakrila.people.views.people import MIN_SEARCH_LENGTH, person_or_404


@login_required
def household_new(request: MemberRequest, pk: int) -> HttpResponse:
    child = person_or_404(request, pk)
    require(request.user, "person.edit", organisation_id=child.organisation_id)
    form = HouseholdForm(
        request.POST or None,
        initial={
            "name": _("Family of %(name)s") % {"name": child.display_name},
            "settlement": child.settlement,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            household = submit_once(
                request,
                lambda: household_create(actor=request.user, child=child, **form.cleaned_data),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(household)
    return render(
        request,
        "people/household_form.html",
        {"form": form, "child": child, "nav_active": "people"},
    )


@login_required
@require_GET
def household_detail(request: MemberRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(
        households_visible_to(request.user).select_related("child"), pk=pk
    )
    organisation_id = household.organisation_id
    audit_view(actor=request.user, obj=household, person_id=household.child_id)
    can_edit = has_capability(request.user, "person.edit", organisation_id)
    text = query_text(request.GET.get("q"))
    candidates: list[Person] = []
    if can_edit and len(text) >= MIN_SEARCH_LENGTH:
        candidates = search_people(user=request.user, text=text, limit=10)
        audit_search(
            actor=request.user,
            organisation_id=organisation_id,
            object_type="people.person",
            details={"text": text, "found": len(candidates), "household": household.pk},
        )
    form = HouseholdMemberForm(
        people=people_visible_to(request.user).filter(organisation_id=organisation_id)
    )
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": household.members.select_related("person").order_by("relationship", "id"),
            # What the giving coordinator handed to the family (the giving app's records).
            "distributions": distributions_visible_to(request.user)
            .filter(household=household)
            .prefetch_related("lines__item")
            .order_by("-distributed_on", "-id")[:20],
            "can_edit": can_edit,
            "text": text,
            "candidates": candidates,
            "form": form,
            "nav_active": "people",
        },
    )


@login_required
@require_POST
def household_member_new(request: MemberRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(households_visible_to(request.user), pk=pk)
    require(request.user, "person.edit", organisation_id=household.organisation_id)
    form = HouseholdMemberForm(
        request.POST,
        people=people_visible_to(request.user).filter(organisation_id=household.organisation_id),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            submit_once(request, lambda: household_member_add(
                actor=request.user, household=household, person=data["person"],
                relationship=data["relationship"], is_legal_representative=data["is_legal_representative"],
                lives_with_child=data["lives_with_child"], starts_on=data["starts_on"],
            ), then=household.get_absolute_url())  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            values = {"name": data["person"]}
            messages.success(
                request,
                by_sex(
                    data["person"].sex,
                    male=pgettext("male", "%(name)s is added to the household.") % values,
                    female=pgettext("female", "%(name)s is added to the household.") % values,
                    other=_("%(name)s is added to the household.") % values,
                ),
            )
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return HttpResponseRedirect(household.get_absolute_url())
