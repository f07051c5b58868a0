"""Read pages for the organisation's own structure; changes go through the admin for now."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from zakrila.accounts.policy import (
    contracts_visible_to,
    get_visible_or_404,
    organisations_visible_to,
    programmes_visible_to,
    require,
    units_visible_to,
)
from zakrila.core.http import MemberRequest


def _current_org_id(request: MemberRequest) -> int:
    return request.membership.organisation_id


@login_required
def organisation_detail(request: MemberRequest, pk: int) -> HttpResponse:
    organisation = get_visible_or_404(organisations_visible_to(request.user), pk=pk)
    units = (
        units_visible_to(request.user).filter(organisation=organisation).select_related("parent")
    )
    from zakrila.organisations.models import PartnerOrganisation

    partners = PartnerOrganisation.objects.filter(organisation=organisation)
    return render(
        request,
        "organisations/organisation_detail.html",
        {"organisation": organisation, "units": units, "partners": partners},
    )


@login_required
def unit_list(request: MemberRequest) -> HttpResponse:
    units = (
        units_visible_to(request.user)
        .filter(organisation_id=_current_org_id(request))
        .select_related("parent")
        .order_by("parent_id", "name")
    )
    return render(request, "organisations/unit_list.html", {"units": units})


@login_required
def unit_detail(request: MemberRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(units_visible_to(request.user).select_related("parent"), pk=pk)
    return render(
        request,
        "organisations/unit_detail.html",
        {
            "unit": unit,
            "children": units_visible_to(request.user).filter(parent=unit),
            "programmes": programmes_visible_to(request.user).filter(unit=unit),
        },
    )


@login_required
def programme_list(request: MemberRequest) -> HttpResponse:
    programmes = (
        programmes_visible_to(request.user)
        .filter(organisation_id=_current_org_id(request))
        .select_related("unit")
    )
    return render(request, "organisations/programme_list.html", {"programmes": programmes})


@login_required
def programme_detail(request: MemberRequest, pk: int) -> HttpResponse:
    programme = get_visible_or_404(
        programmes_visible_to(request.user).select_related("unit"), pk=pk
    )
    return render(request, "organisations/programme_detail.html", {"programme": programme})


@login_required
def contract_list(request: MemberRequest) -> HttpResponse:
    org_id = _current_org_id(request)
    require(request.user, "contract.view", organisation_id=org_id)
    contracts = contracts_visible_to(request.user).filter(organisation_id=org_id)
    return render(request, "organisations/contract_list.html", {"contracts": contracts})


@login_required
def contract_detail(request: MemberRequest, pk: int) -> HttpResponse:
    from zakrila.organisations.models import Contract

    # Any member may learn a contract exists (it is public), but only some roles read it.
    contract = get_visible_or_404(
        Contract.objects.filter(organisation_id__in=organisations_visible_to(request.user)), pk=pk
    )
    require(request.user, "contract.view", organisation_id=contract.organisation_id)
    return render(
        request,
        "organisations/contract_detail.html",
        {
            "contract": contract,
            "partners": contract.partners.all(),
            "units": contract.units.all(),
        },
    )
