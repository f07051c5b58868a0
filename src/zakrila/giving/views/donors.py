"""Donors, money donations and the donation certificate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from zakrila.accounts.policy import require
from zakrila.audit.services import audit_view
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.pdf import pdf_response, render_pdf
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.giving.forms import DonorForm, MoneyDonationForm
from zakrila.giving.models import Donor, DonorKind, MoneyDonation
from zakrila.giving.queries import donor_page, record_for
from zakrila.giving.services import (
    document_printed,
    donor_create,
    donor_update,
    money_donation_record,
)
from zakrila.giving.services.donors import DONOR_FIELDS
from zakrila.giving.views._common import (
    NAV,
    can_manage,
    form_page,
    name_list,
    organisation_of,
)


@login_required
def donors(request: MemberRequest) -> HttpResponse:
    """Donors by name, a page at a time, with what they gave; found by part of the name."""
    organisation_id = organisation_of(request)
    listed = name_list(request, organisation_id, object_type="giving.donor", read=donor_page)
    return render(
        request,
        "giving/donors.html",
        {**listed, "can_manage": can_manage(request, organisation_id), "nav_active": NAV},
    )


def _donor_values(form: DonorForm) -> dict[str, object]:
    return {name: form.cleaned_data[name] for name in DONOR_FIELDS}


@login_required
def donor_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "giving.manage", organisation_id=organisation_id)
    form = DonorForm(request.POST or None, initial={"kind": DonorKind.PERSON})
    if request.method == "POST" and form.is_valid():
        values = _donor_values(form)
        try:
            donor = submit_once(
                request,
                lambda: donor_create(
                    actor=request.user,
                    organisation_id=organisation_id,
                    **values,  # type: ignore[arg-type]
                ),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The donor is added."))
            return redirect(donor)
    return form_page(request, {"form": form, "title": _("New donor"), "back": "giving:donors"})


@login_required
def donor_detail(request: MemberRequest, pk: int) -> HttpResponse:
    donor = record_for(request.user, Donor, pk)
    audit_view(actor=request.user, obj=donor)
    return render(
        request,
        "giving/donor_detail.html",
        {
            "donor": donor,
            "money": donor.money_donations.order_by("-received_on", "-id"),
            "in_kind": donor.in_kind_donations.select_related("store").order_by("-received_on"),
            "can_manage": can_manage(request, donor.organisation_id),
            "nav_active": NAV,
        },
    )


@login_required
def donor_edit(request: MemberRequest, pk: int) -> HttpResponse:
    donor = record_for(request.user, Donor, pk)
    require(request.user, "giving.manage", organisation_id=donor.organisation_id)
    form = DonorForm(request.POST or None, instance=donor)
    if request.method == "POST" and form.is_valid():
        try:
            donor_update(
                actor=request.user,
                donor=donor,
                expected_version=form.cleaned_data["version"] or 0,
                **_donor_values(form),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(donor)
    return form_page(request, {"form": form, "title": str(donor), "context_object": donor})


@login_required
def money_new(request: MemberRequest, pk: int) -> HttpResponse:
    """A money donation of this donor; its certificate is printed after."""
    donor = record_for(request.user, Donor, pk)
    require(request.user, "giving.manage", organisation_id=donor.organisation_id)
    form = MoneyDonationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            donation = submit_once(request, lambda: money_donation_record(
                actor=request.user, donor=donor, received_on=data["received_on"],
                amount=data["amount"], method=data["method"], purpose=data["purpose"],
            ))  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The donation is recorded: print certificate %(number)s for the donor.")
                % {"number": donation.number},
            )
            return redirect(donation)
    return form_page(request, {"form": form, "title": _("Money donation"), "context_object": donor})


@login_required
def money_detail(request: MemberRequest, pk: int) -> HttpResponse:
    donation = record_for(request.user, MoneyDonation, pk)
    audit_view(actor=request.user, obj=donation, details={"donor": donation.donor_id})
    return render(request, "giving/money_detail.html", {"donation": donation, "nav_active": NAV})


@login_required
def money_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    """The donation certificate (свидетелство за дарение) for the donor's tax relief."""
    donation = record_for(request.user, MoneyDonation, pk)
    document_printed(actor=request.user, record=donation, what="donation_certificate")
    with translation.override("bg"):
        pdf = render_pdf(
            "giving/donation_certificate_pdf.html",
            {
                "donation": donation,
                "donor": donation.donor,
                "organisation": donation.organisation,
                "is_company": donation.donor.kind == DonorKind.COMPANY,
            },
        )
    return pdf_response(pdf, f"{donation.number}.pdf")
