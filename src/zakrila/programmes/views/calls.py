"""The SOS line: the log, a call in under a minute, non-contacts in one tap, a referral into
casework from a call, and the month's figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zakrila.accounts.policy import has_capability, require
from zakrila.audit.services import audit_view
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.offline import offline_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.organisations.models import ProgrammeKind, UnitKind
from zakrila.programmes.call_categories import concern_label, split_concern
from zakrila.programmes.models import NonContactKind
from zakrila.programmes.outreach_forms import CallForm, CallReferralForm
from zakrila.programmes.outreach_queries import (
    call_for,
    line_month,
    next_month,
    non_contacts_today,
    parse_month,
    previous_month,
    recent_calls,
)
from zakrila.programmes.services.calls import call_log, call_referral_create, non_contact_count
from zakrila.programmes.views.common import units_for


@login_required
def line(request: MemberRequest) -> HttpResponse:
    """The line's desk: log a call, count a non-contact with one tap, the latest calls."""
    organisation_id = request.membership.organisation_id
    require(request.user, "line.view", organisation_id=organisation_id)
    counted = non_contacts_today(user=request.user, organisation_id=organisation_id)
    return render(
        request,
        "programmes/line.html",
        {
            "calls": recent_calls(user=request.user, organisation_id=organisation_id),
            "non_contacts": [
                (code, label, counted.get(code, 0)) for code, label in NonContactKind.choices
            ],
            "can_log": has_capability(request.user, "line.log", organisation_id),
            "nav_active": "line",
        },
    )


@login_required
@offline_page  # the line may be answered where there is no signal for the app
def call_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "line.log", organisation_id=organisation_id)
    units = units_for(request.user, organisation_id, programme_kind=ProgrammeKind.SOS_PARENT)
    form = CallForm(request.POST or None, units=units, initial={"started_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        category, subcategory = split_concern(data.pop("concern"))
        try:
            call = submit_once(
                request,
                lambda: call_log(
                    actor=request.user, category=category, subcategory=subcategory, **data
                ),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Call %(number)s is logged.") % {"number": call.number})
            return redirect(call)
    return render(request, "programmes/call_form.html", {"form": form, "nav_active": "line"})


@login_required
def call_detail(request: MemberRequest, pk: int) -> HttpResponse:
    call = call_for(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=call)
    return render(
        request,
        "programmes/call_detail.html",
        {
            "call": call,
            "concern": concern_label(call.category, call.subcategory),
            "can_refer": has_capability(request.user, "line.log", call.organisation_id)
            and call.referral_id is None,
            "nav_active": "line",
        },
    )


@login_required
def call_referral(request: MemberRequest, pk: int) -> HttpResponse:
    """The caller agreed and gave details: a referral into casework in one step."""
    call = call_for(user=request.user, pk=pk)
    require(request.user, "line.log", organisation_id=call.organisation_id)
    units = units_for(request.user, call.organisation_id).filter(
        kind=UnitKind.COMMUNITY_SUPPORT
    ) or units_for(request.user, call.organisation_id)
    form = CallReferralForm(
        request.POST or None,
        units=units,
        initial={"unit": units.first(), "reason": call.advice},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            referral = call_referral_create(
                actor=request.user,
                call=call,
                unit=data.pop("unit"),
                reason=data.pop("reason"),
                child=data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The referral is registered; it waits for the unit's decision.")
            )
            if has_capability(request.user, "case.view", call.organisation_id):
                return redirect(referral)
            return redirect(call)
    return render(
        request,
        "programmes/call_referral.html",
        {"call": call, "form": form, "nav_active": "line"},
    )


@login_required
@require_POST
def non_contact(request: MemberRequest) -> HttpResponse:
    """One tap: a silent call, a wrong number, a joke — counted, no form."""
    organisation_id = request.membership.organisation_id
    require(request.user, "line.log", organisation_id=organisation_id)
    kind = request.POST.get("kind", "")
    unit = units_for(request.user, organisation_id, programme_kind=ProgrammeKind.SOS_PARENT).first()
    if kind not in NonContactKind.values or unit is None:
        messages.error(request, _("Choose what kind of call it was."))
    else:
        non_contact_count(actor=request.user, unit=unit, kind=kind)
        messages.success(request, _("Counted: %(kind)s.") % {"kind": NonContactKind(kind).label})
    return redirect("programmes:line")


@login_required
def line_figures(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "line.view", organisation_id=organisation_id)
    month = parse_month(request.GET.get("month"), default=timezone.localdate())
    figures = line_month(user=request.user, organisation_id=organisation_id, month=month)
    return render(
        request,
        "programmes/line_figures.html",
        {
            "figures": figures,
            "previous": previous_month(month),
            "next": next_month(month),
            "nav_active": "line",
        },
    )
