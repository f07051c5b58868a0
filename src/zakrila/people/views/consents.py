"""Consents and disclosures of a person's data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    get_visible_or_404,
    people_visible_to,
    require,
)
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.people.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    DisclosureForm,
)
from zakrila.people.models import Consent, Household, Person
from zakrila.people.services import (
    consent_record,
    consent_withdraw,
    disclosure_record,
)
from zakrila.people.views.people import person_or_404


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
    person = person_or_404(request, pk)
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
    person = person_or_404(request, pk)
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
