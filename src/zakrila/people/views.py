"""Pages for people, households, consents and disclosures.

Every page starts from what the user may see (``people_visible_to``), so another
organisation's person is a 404; every view of a file, search, export and change is in the
audit trail.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from zakrila.accounts.policy import (
    can_see_confidential,
    cases_visible_to,
    get_visible_or_404,
    has_capability,
    households_visible_to,
    people_visible_to,
    require,
    units_visible_to,
    withheld_fields,
)
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.queries import audit_events_for_record
from zakrila.audit.services import audit_record, audit_search, audit_view
from zakrila.audit.views import record_history
from zakrila.core.downloads import name_download
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.paging import keyset_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.core.text import query_text
from zakrila.core.wording import by_sex
from zakrila.people import exports
from zakrila.people.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    DisclosureForm,
    EraseForm,
    HouseholdForm,
    HouseholdMemberForm,
    MergeForm,
    PeopleFilterForm,
    PersonForm,
)
from zakrila.people.models import Consent, Household, Person
from zakrila.people.queries import (
    PEOPLE_PAGE_SIZE,
    age_band_range,
    duplicate_pairs,
    likely_duplicates,
    search_people,
)
from zakrila.people.services import (
    consent_record,
    consent_withdraw,
    disclosure_record,
    duplicate_dismiss,
    household_create,
    household_member_add,
    legal_holds,
    person_anonymise,
    person_create,
    person_merge,
    person_update,
)

MIN_SEARCH_LENGTH = 2


def _org(request: MemberRequest) -> int:
    return request.membership.organisation_id


def _person_or_404(request: MemberRequest, pk: int) -> Person:
    return get_visible_or_404(people_visible_to(request.user).select_related("unit"), pk=pk)


# --- Lists and search ----------------------------------------------------------------------------


@login_required
def person_list(request: MemberRequest) -> HttpResponse:
    organisation_id = _org(request)
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
    organisation_id = _org(request)
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


# --- One person ------------------------------------------------------------------------------


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
    timeline = AuditEvent.objects.filter(
        organisation_id=organisation_id,
        person_id=person.pk,
        action__in=[AuditAction.CREATE, AuditAction.UPDATE, AuditAction.MERGE, AuditAction.DELETE],
    ).order_by("-id")[:30]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "show_confidential": not withheld,
            "withheld_reason": next(iter(withheld.values()), ""),
            "aliases": person.aliases.all(),
            "households_as_child": households_visible_to(request.user).filter(child=person),
            "memberships": person.household_memberships.select_related(
                "household", "household__child"
            ),
            "consents": person.consents.select_related("given_by"),
            "disclosures": person.disclosures.select_related("consent"),
            "timeline": timeline,
            "cases": cases_visible_to(request.user).filter(person=person).select_related("unit"),
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
    organisation_id = _org(request)
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
    person = _person_or_404(request, pk)
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


@login_required
def person_history(request: MemberRequest, pk: int) -> HttpResponse:
    """Who saw and changed this child's file (and the records merged into it): for the
    director and the DPO."""
    person = _person_or_404(request, pk)
    require(request.user, "person.history", organisation_id=person.organisation_id)
    merged = [("people.person", pid) for pid in person.merged_from.values_list("pk", flat=True)]
    return record_history(
        request,
        record=person,
        events=audit_events_for_record(
            organisation_id=person.organisation_id, person_id=person.pk, records=merged
        ),
        viewed=lambda: audit_view(
            actor=request.user, obj=person, person_id=person.pk, what="history"
        ),
        nav_active="people",
    )


@login_required
def person_export(request: MemberRequest, pk: int, fmt: str) -> HttpResponse:
    """Everything held about one person: JSON for machines, PDF for the family (GDPR Art. 15)."""
    if fmt not in ("json", "pdf"):
        raise Http404(_("There is no such record, or you may not see it."))
    person = _person_or_404(request, pk)
    require(request.user, "person.export", organisation_id=person.organisation_id)
    data = exports.person_data(person, viewer=request.user)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        obj=person,
        person_id=person.pk,
        details={"format": fmt},
    )
    filename = f"zakrila-person-{person.pk}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        return name_download(response, f"{filename}.json")
    pdf = exports.person_pdf(data, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    return name_download(response, f"{filename}.pdf")


@login_required
def person_erase(request: MemberRequest, pk: int) -> HttpResponse:
    """Erasure as anonymisation, refused while a legal hold applies, with the reason shown."""
    person = _person_or_404(request, pk)
    require(request.user, "person.erase", organisation_id=person.organisation_id)
    holds = legal_holds(person)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_anonymise(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The person's data is erased; the anonymous record keeps the statistics."),
            )
            return redirect(person)
    return render(
        request,
        "people/person_erase.html",
        {"person": person, "holds": holds, "form": form, "nav_active": "people"},
    )


# --- Duplicates --------------------------------------------------------------------------------


@login_required
def duplicate_list(request: MemberRequest) -> HttpResponse:
    organisation_id = _org(request)
    require(request.user, "person.merge", organisation_id=organisation_id)
    pairs = duplicate_pairs(user=request.user, organisation_id=organisation_id)
    audit_search(
        actor=request.user,
        organisation_id=organisation_id,
        object_type="people.person",
        details={"duplicates": True, "pairs": len(pairs)},
    )
    return render(request, "people/duplicate_list.html", {"pairs": pairs, "nav_active": "people"})


@login_required
def duplicate_compare(request: MemberRequest, first: int, second: int) -> HttpResponse:
    """Two records side by side; merge them into one, or mark them as different people."""
    visible = people_visible_to(request.user).select_related("unit")
    one = get_visible_or_404(visible, pk=first)
    other = get_visible_or_404(visible, pk=second)
    require(request.user, "person.merge", organisation_id=one.organisation_id)
    if one.organisation_id != other.organisation_id or one.pk == other.pk:
        raise Http404(_("There is no such record, or you may not see it."))
    form = MergeForm(request.POST or None, choices=[(one.pk, one), (other.pk, other)])
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["decision"] == "different":
            duplicate_dismiss(actor=request.user, first=one, second=other)
            messages.success(
                request, _("Marked as two different people; the pair leaves the queue.")
            )
            return redirect("people:duplicates")
        keep, merge = (one, other) if int(form.cleaned_data["keep"]) == one.pk else (other, one)
        try:
            kept = person_merge(actor=request.user, keep=keep, merge=merge)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The records are merged into one."))
            return redirect(kept)
    for person in (one, other):
        audit_view(actor=request.user, obj=person, person_id=person.pk, what="duplicate comparison")
    return render(
        request,
        "people/duplicate_compare.html",
        {
            "one": one,
            "other": other,
            "pair": [one, other],
            "form": form,
            "show_confidential": can_see_confidential(request.user, one),
            "nav_active": "people",
        },
    )


# --- Households ------------------------------------------------------------------------------


@login_required
def household_new(request: MemberRequest, pk: int) -> HttpResponse:
    child = _person_or_404(request, pk)
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


# --- Consent and disclosure ------------------------------------------------------------------


def _consent_givers(person: Person, user: Any) -> Any:
    """The person themself and the legal representatives in their households."""
    representative_ids = Household.objects.filter(child=person).values_list(
        "members__person_id", flat=True
    )
    return (
        people_visible_to(user)
        .filter(organisation_id=person.organisation_id)
        .filter(pk__in=[person.pk, *[pk for pk in representative_ids if pk]])
    )


@login_required
def consent_new(request: MemberRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    require(request.user, "person.edit", organisation_id=person.organisation_id)
    form = ConsentForm(
        request.POST or None,
        people=_consent_givers(person, request.user),
        initial={"given_on": timezone.localdate(), "given_by": person.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            submit_once(
                request,
                lambda: consent_record(actor=request.user, person=person, **form.cleaned_data),
                then=person.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect(person)
    return render(
        request,
        "people/consent_form.html",
        {"form": form, "person": person, "nav_active": "people"},
    )


@login_required
def consent_withdraw_view(request: MemberRequest, pk: int) -> HttpResponse:
    consent = get_visible_or_404(
        Consent.objects.filter(person__in=people_visible_to(request.user)).select_related("person"),
        pk=pk,
    )
    require(request.user, "person.edit", organisation_id=consent.organisation_id)
    form = ConsentWithdrawForm(
        request.POST or None, consent=consent, initial={"withdrawn_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(
                actor=request.user, consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The consent is recorded as withdrawn."))
            return redirect(consent.person)
    return render(
        request,
        "people/consent_withdraw.html",
        {"form": form, "consent": consent, "nav_active": "people"},
    )


@login_required
def disclosure_new(request: MemberRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    require(request.user, "person.edit", organisation_id=person.organisation_id)
    form = DisclosureForm(
        request.POST or None,
        consents=person.consents.filter(withdrawn_on__isnull=True),
        initial={"disclosed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            submit_once(
                request,
                lambda: disclosure_record(actor=request.user, person=person, **form.cleaned_data),
                then=person.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The disclosure is recorded."))
            return redirect(person)
    return render(
        request,
        "people/disclosure_form.html",
        {"form": form, "person": person, "nav_active": "people"},
    )
