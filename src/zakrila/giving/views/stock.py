"""Stores and their stock, in-kind donations with their handover record, distributions and
adjustments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zakrila.accounts.policy import require, units_visible_to
from zakrila.audit.services import audit_view
from zakrila.cases.models import Case, CaseStatus
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.pdf import pdf_response, render_pdf
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.giving.forms import (
    AdjustForm,
    DistributionForm,
    GivenLines,
    InKindDonationForm,
    ItemForm,
    ReceivedLines,
    StoreForm,
    lines_formset,
)
from zakrila.giving.models import (
    Distribution,
    Donor,
    InKindDonation,
    Item,
    MoneyDonation,
    StockLot,
    Store,
)
from zakrila.giving.queries import (
    coordinator_day,
    distribution_lines,
    items_in_stock,
    ledger_of,
    record_for,
    stock_of,
    stores_summary,
    visible,
)
from zakrila.giving.services import (
    GivenLine,
    ReceivedLine,
    distribution_make,
    document_printed,
    donation_receive,
    item_create,
    stock_adjust,
    store_create,
)
from zakrila.giving.views._common import NAV, can_manage, form_page, organisation_of
from zakrila.people.models import Household


@login_required
def index(request: MemberRequest) -> HttpResponse:
    """The coordinator's desk: the stores, what expires soon, the latest donations and
    distributions, volunteers' certificates that run out."""
    organisation_id = organisation_of(request)
    today = timezone.localdate()
    return render(
        request,
        "giving/index.html",
        {
            "stores": stores_summary(request.user, organisation_id),
            "day": coordinator_day(request.user, organisation_id, today=today),
            "donations": visible(request.user, InKindDonation, organisation_id)
            .select_related("donor", "store")
            .order_by("-received_on", "-id")[:10],
            "money": visible(request.user, MoneyDonation, organisation_id)
            .select_related("donor")
            .order_by("-received_on", "-id")[:10],
            "distributions": visible(request.user, Distribution, organisation_id)
            .select_related("store", "household", "case")
            .order_by("-distributed_on", "-id")[:10],
            "can_manage": can_manage(request, organisation_id),
            "nav_active": NAV,
        },
    )


@login_required
def store_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "giving.manage", organisation_id=organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=organisation_id)
    form = StoreForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            store = submit_once(request, lambda: store_create(
                actor=request.user, organisation_id=organisation_id, name=data["name"],
                unit=data["unit"], address=data["address"],
            ))  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The store is added."))
            return redirect(store)
    return form_page(request, {"form": form, "title": _("New store")})


@login_required
def item_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "giving.manage", organisation_id=organisation_id)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submit_once(request, lambda: item_create(
                actor=request.user, organisation_id=organisation_id, name=data["name"],
                category=data["category"], measure=data["measure"],
            ), then=request.GET.get("next") or "/giving/")  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The item is added to the list."))
            return redirect("giving:donation_new")
    return form_page(request, {"form": form, "title": _("New item")})


@login_required
def store_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """A store's stock, nearest expiry first, and its ledger."""
    store = record_for(request.user, Store, pk)
    ledger = ledger_of(store, after=request.GET.get("after"))
    return render(
        request,
        "giving/store_detail.html",
        {
            "store": store,
            "rows": stock_of(store),
            "ledger": ledger.rows,
            "ledger_next": ledger.next_token,
            "ledger_first_page": ledger.started_after is None,
            "can_manage": can_manage(request, store.organisation_id),
            "nav_active": NAV,
        },
    )


def _received_lines(formset: Any) -> list[ReceivedLine]:
    return [
        ReceivedLine(
            item=data["item"],
            quantity=data["quantity"],
            unit_value=data.get("unit_value") or Decimal(0),
            expires_on=data.get("expires_on"),
        )
        for data in (form.cleaned_data for form in formset.forms)
        if data.get("item")
    ]


@login_required
def donation_new(request: MemberRequest) -> HttpResponse:
    """Receive things from a donor, line by line; the handover record is printed after."""
    organisation_id = request.membership.organisation_id
    require(request.user, "giving.manage", organisation_id=organisation_id)
    items = visible(request.user, Item, organisation_id).order_by("name")
    form = InKindDonationForm(
        request.POST or None,
        stores=visible(request.user, Store, organisation_id),
        donors=visible(request.user, Donor, organisation_id).filter(anonymised_at__isnull=True),
    )
    lines = lines_formset(ReceivedLines, request.POST or None, items)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            donation = submit_once(request, lambda: donation_receive(
                actor=request.user, store=data["store"], donor=data["donor"],
                received_on=data["received_on"], lines=_received_lines(lines),
                handed_over_by_name=data["handed_over_by_name"], note=data["note"],
            ))  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Donation %(number)s is received: print its handover record.")
                % {"number": donation.number},
            )
            return redirect(donation)
    return render(
        request,
        "giving/lines_form.html",
        {
            "form": form, "lines": lines, "title": _("Receive an in-kind donation"),
            "with_value": True, "nav_active": NAV,
        },
    )  # fmt: skip


def _donation_context(donation: InKindDonation) -> dict[str, Any]:
    lots = list(donation.lots.select_related("item").order_by("id"))
    for lot in lots:
        lot.line_value = lot.received_quantity * lot.unit_value  # type: ignore[attr-defined]
    return {
        "donation": donation,
        "lots": lots,
        "total": sum((lot.line_value for lot in lots), Decimal(0)),  # type: ignore[attr-defined]
        "organisation": donation.organisation,
    }


@login_required
def donation_detail(request: MemberRequest, pk: int) -> HttpResponse:
    donation = record_for(request.user, InKindDonation, pk)
    if donation.donor_id:
        audit_view(actor=request.user, obj=donation, details={"donor": donation.donor_id})
    return render(
        request,
        "giving/donation_detail.html",
        {**_donation_context(donation), "nav_active": NAV},
    )


@login_required
def donation_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    """The handover record (приемо-предавателен протокол) as an A4 PDF, in Bulgarian."""
    donation = record_for(request.user, InKindDonation, pk)
    document_printed(actor=request.user, record=donation, what="handover_record")
    with translation.override("bg"):
        pdf = render_pdf("giving/handover_pdf.html", _donation_context(donation))
    return pdf_response(pdf, f"{donation.number}.pdf")


def _recipients(request: MemberRequest, organisation_id: int) -> tuple[Any, Any]:
    """The families and cases the coordinator may hand things to: by name or number only —
    the coordinator does not open people's files."""
    households = Household.objects.filter(organisation_id=organisation_id).order_by("name")
    cases = (
        Case.objects.filter(organisation_id=organisation_id, is_restricted=False)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("number")
    )
    return households, cases


@login_required
def distribution_new(request: MemberRequest) -> HttpResponse:
    """Hand things over to a family or a case; refused whole when the store has less."""
    organisation_id = request.membership.organisation_id
    require(request.user, "giving.manage", organisation_id=organisation_id)
    stores = visible(request.user, Store, organisation_id)
    households, cases = _recipients(request, organisation_id)
    form = DistributionForm(
        request.POST or None, stores=stores, households=households, cases=cases,
        initial={"store": request.GET.get("store")},
    )  # fmt: skip
    items = items_in_stock(list(stores.values_list("pk", flat=True)))
    lines = lines_formset(GivenLines, request.POST or None, items)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        given = [
            GivenLine(item=line["item"], quantity=line["quantity"])
            for line in (f.cleaned_data for f in lines.forms)
            if line.get("item")
        ]
        try:
            distribution = submit_once(request, lambda: distribution_make(
                actor=request.user, store=data["store"], household=data["household"],
                case=data["case"], distributed_on=data["distributed_on"], lines=given,
                received_by_name=data["received_by_name"], receipt_signed=data["receipt_signed"],
                note=data["note"],
            ))  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Distribution %(number)s is recorded.") % {"number": distribution.number}
            )
            return redirect(distribution)
    return render(
        request,
        "giving/lines_form.html",
        {
            "form": form, "lines": lines, "title": _("Hand things over"), "with_value": False,
            "nav_active": NAV,
        },
    )  # fmt: skip


@login_required
def distribution_detail(request: MemberRequest, pk: int) -> HttpResponse:
    distribution = record_for(request.user, Distribution, pk)
    person_id = (
        distribution.case.person_id
        if distribution.case_id and distribution.case
        else distribution.household.child_id
        if distribution.household
        else None
    )
    audit_view(actor=request.user, obj=distribution, person_id=person_id)
    return render(
        request,
        "giving/distribution_detail.html",
        {
            "distribution": distribution,
            "lines": distribution_lines(distribution),
            "movements": distribution.movements.select_related("lot__item").order_by("id"),
            "nav_active": NAV,
        },
    )


@login_required
def lot_adjust(request: MemberRequest, pk: int) -> HttpResponse:
    """Correct a lot's stock with a reason: thrown away, damaged, counted otherwise."""
    lot = record_for(request.user, StockLot, pk)
    require(request.user, "giving.manage", organisation_id=lot.organisation_id)
    form = AdjustForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stock_adjust(
                actor=request.user, lot=lot, change=data["change"], reason=data["reason"],
                note=data["note"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The stock is adjusted; the ledger shows why."))
            return redirect(lot.store)
    return form_page(
        request,
        {
            "form": form,
            "title": _("Adjust the stock: %(item)s") % {"item": lot.item},
            "context_object": lot.store,
            "lead": _("In stock now: %(quantity)s") % {"quantity": lot.quantity},
        },
    )
