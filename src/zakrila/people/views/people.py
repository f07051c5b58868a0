"""The people list, the search box, a person's page, registering and editing a person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zakrila.accounts.policy import (
    can_see_confidential,
    get_visible_or_404,
    has_capability,
    households_visible_to,
    people_visible_to,
    require,
    units_visible_to,
    withheld_fields,
)
from zakrila.audit.queries import person_changes
from zakrila.audit.services import audit_search, audit_view
from zakrila.cases.models import Case
from zakrila.cases.queries import cases_of_person
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.paging import keyset_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.core.text import query_text
from zakrila.core.wording import by_sex
from zakrila.people.forms import (
    PeopleFilterForm,
    PersonForm,
)
from zakrila.people.models import (
    Consent,
    Disclosure,
    Household,
    HouseholdMember,
    Person,
    PersonAlias,
)
from zakrila.people.queries import (
    PEOPLE_PAGE_SIZE,
    age_band_range,
    likely_duplicates,
    search_people,
)
from zakrila.people.sections import PERSON_SECTIONS
from zakrila.people.services import (
    person_create,
    person_update,
)

MIN_SEARCH_LENGTH = 2


def person_or_404(request: MemberRequest, pk: int) -> Person:
    return get_visible_or_404(people_visible_to(request.user).select_related("unit"), pk=pk)


@login_required
def person_list(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "person.view", organisation_id=organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=organisation_id)
    form = PeopleFilterForm(request.GET or None, units=units)
    people = people_visible_to(request.user).filter(
        organisation_id=organisation_id, anonymised_at__isnull=True
    )
    filters: dict[str, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        if data.get("age_band"):
            earliest, latest = age_band_range(data["age_band"], timezone.localdate())  # type: ignore[misc]
            people = people.filter(birth_date__range=(earliest, latest))
        if data.get("unit"):
            people = people.filter(unit=data["unit"])
        if data.get("status"):
            people = people.filter(identification_status=data["status"])
        filters = {key: str(value) for key, value in data.items() if value}
    found = keyset_page(
        people.select_related("unit"),
        order=("last_name_latin", "id"),
        after=request.GET.get("after"),
        size=PEOPLE_PAGE_SIZE,
    )
    audit_search(
        actor=request.user,
        organisation_id=organisation_id,
        object_type="people.person",
        details={"list": True, "filters": filters, "shown": len(found.rows)},
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "people": found.rows,
            "next_token": found.next_token,
            "query": query.urlencode(),
            "can_edit": has_capability(request.user, "person.edit", organisation_id),
            "can_merge": has_capability(request.user, "person.merge", organisation_id),
            "nav_active": "people",
        },
    )


@login_required
def person_search(request: MemberRequest) -> HttpResponse:
    """The search box of the layout: results as you type (htmx), or a page without JavaScript."""
    organisation_id = request.membership.organisation_id
    require(request.user, "person.view", organisation_id=organisation_id)
    text = query_text(request.GET.get("q"))
    results: list[Person] = []
    searched = len(text) >= MIN_SEARCH_LENGTH
    if searched:
        results = search_people(user=request.user, text=text)
        audit_search(
            actor=request.user,
            organisation_id=organisation_id,
            object_type="people.person",
            details={"text": text, "found": len(results)},
        )
    context = {"text": text, "results": results, "searched": searched, "nav_active": "people"}
    if getattr(request, "htmx", False):
        return render(request, "people/_search_results.html", context)
    return render(request, "people/search.html", context)


@login_required
def person_detail(request: MemberRequest, pk: int) -> HttpResponse:
    scope = people_visible_to(request.user, include_merged=True)
    person = get_visible_or_404(scope.select_related("unit", "merged_into"), pk=pk)
    if person.merged_into_id:
        # An old link to a merged duplicate leads to the record it became part of.
        messages.info(request, _("This record was merged into the one shown here."))
        return redirect(person.merged_into)
    organisation_id = person.organisation_id
    audit_view(actor=request.user, obj=person, person_id=person.pk)
    withheld = withheld_fields(request.user, person)  # the same rule as the exports
    timeline = person_changes(organisation_id=organisation_id, person_id=person.pk)

    def has(model: type[Any]) -> bool:  # the sections with anything in them, asked at once
        return PERSON_SECTIONS.has(person, model)

    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "show_confidential": not withheld,
            "withheld_reason": next(iter(withheld.values()), ""),
            "aliases": person.aliases.all() if has(PersonAlias) else [],
            "households_as_child": households_visible_to(request.user).filter(child=person)
            if has(Household)
            else [],
            "memberships": person.household_memberships.select_related(
                "household", "household__child"
            )
            if has(HouseholdMember)
            else [],
            "consents": person.consents.select_related("given_by") if has(Consent) else [],
            "disclosures": person.disclosures.select_related("consent") if has(Disclosure) else [],
            "timeline": timeline,
            "cases": cases_of_person(user=request.user, person_id=person.pk) if has(Case) else [],
            "can_open_case": has_capability(request.user, "case.open", organisation_id),
            "can_edit": has_capability(request.user, "person.edit", organisation_id),
            "can_history": has_capability(request.user, "person.history", organisation_id),
            "can_export": has_capability(request.user, "person.export", organisation_id),
            "can_erase": has_capability(request.user, "person.erase", organisation_id),
            "nav_active": "people",
        },
    )


@login_required
def person_new(request: MemberRequest) -> HttpResponse:
    """Register a person; likely duplicates are shown before saving and the user confirms."""
    organisation_id = request.membership.organisation_id
    require(request.user, "person.edit", organisation_id=organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=organisation_id)
    show_confidential = has_capability(request.user, "person.confidential", organisation_id)
    initial = {"unit": request.unit.pk} if request.unit else {}
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        units=units,
        show_confidential=show_confidential,
        instance=Person(organisation_id=organisation_id),
        initial=initial,
    )
    duplicates: list[Any] = []
    if request.method == "POST":
        valid = form.is_valid()
        # Likely duplicates are shown even when something else is still wrong: the same ЕГН
        # already registered is the most important thing to see.
        duplicates = _visible_duplicates(request, organisation_id, form.cleaned_data)
        if valid and duplicates and not form.cleaned_data.get("not_a_duplicate"):
            form.add_error(
                "not_a_duplicate",
                _(
                    "Look at the people below first: if one of them is this person, open their file instead."
                ),
            )
        elif valid:
            try:
                person = submit_once(request, lambda: person_create(
                    actor=request.user, organisation_id=organisation_id, data=form.service_data()
                ))  # fmt: skip
            except AlreadySubmitted as done:
                return already_sent(request, done)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                values = {"name": person.display_name}
                messages.success(
                    request,
                    by_sex(
                        person.sex,
                        male=pgettext("male", "%(name)s is registered.") % values,
                        female=pgettext("female", "%(name)s is registered.") % values,
                        other=_("%(name)s is registered.") % values,
                    ),
                )
                return redirect(person)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "duplicates": duplicates, "creating": True, "nav_active": "people"},
    )


def _visible_duplicates(
    request: MemberRequest, organisation_id: int, data: dict[str, Any]
) -> list[Any]:
    candidates = likely_duplicates(
        organisation_id=organisation_id,
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        birth_date=data.get("birth_date"),
        personal_number=data.get("personal_number", ""),
        estimated=data.get("birth_date_precision") == "estimated",
    )
    if not candidates:
        return []
    visible = set(
        people_visible_to(request.user)
        .filter(pk__in=[c.person.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    return [candidate for candidate in candidates if candidate.person.pk in visible]


@login_required
def person_edit(request: MemberRequest, pk: int) -> HttpResponse:
    person = person_or_404(request, pk)
    require(request.user, "person.edit", organisation_id=person.organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=person.organisation_id)
    form = PersonForm(
        request.POST or None,
        units=units,
        show_confidential=can_see_confidential(request.user, person),
        instance=person,
    )
    if request.method == "POST" and form.is_valid():
        try:
            # Once per key: the outbox may send the same change again after a lost answer.
            person = submit_once(
                request,
                lambda: person_update(
                    actor=request.user,
                    person=person,
                    data=form.service_data(),
                    expected_version=form.cleaned_data.get("version") or 0,
                ),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(person)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person, "creating": False, "nav_active": "people"},
    )
