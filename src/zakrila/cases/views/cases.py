"""Referrals, the case list, the case page, its stage, team and contacts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    can_read_case_confidential,
    get_visible_or_404,
    has_capability,
    households_visible_to,
    people_visible_to,
    require,
    units_visible_to,
)
from zakrila.accounts.queries import staff_of
from zakrila.audit.models import AuditAction
from zakrila.audit.queries import audit_events_for_record
from zakrila.audit.services import audit_record, audit_view
from zakrila.audit.views import record_history
from zakrila.cases.forms import (
    CaseEditForm,
    CaseMoveForm,
    CaseOpenForm,
    ContactForm,
    ReferralDecisionForm,
    ReferralForm,
)
from zakrila.cases.models import (
    Case,
    CaseStatus,
    Closure,
    FollowUp,
    PlanStatus,
    ServiceContract,
    Task,
)
from zakrila.cases.queries import (
    case_filter_choices,
    case_for,
    case_for_page,
    pending_referrals,
    referral_for,
)
from zakrila.cases.queries import case_list as case_list_query
from zakrila.cases.services import (
    case_move,
    case_open,
    case_update,
    contact_record,
    referral_decide,
    referral_register,
)
from zakrila.cases.timeline import CASE_SECTIONS, CaseRecords, case_timeline
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.offline import offline_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once

PAGE_SIZE = 50


@login_required
def case_list(request: MemberRequest) -> HttpResponse:
    """Cases by unit, status, worker, risk and overdue work; keyset pages, newest first."""
    organisation_id = request.membership.organisation_id
    require(request.user, "case.view", organisation_id=organisation_id)
    unit = request.unit
    listing = case_list_query(
        user=request.user,
        organisation_id=organisation_id,
        unit_id=unit.pk if unit else None,
        params=request.GET,
    )
    audit_record(
        action=AuditAction.SEARCH,
        actor=request.user,
        organisation_id=organisation_id,
        object_type="cases.case",
        details={
            "list": True,
            "filters": {k: str(v) for k, v in listing.filters.items()},
            "shown": len(listing.page.rows),
        },
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "filters": case_filter_choices(
                user=request.user, organisation_id=organisation_id, params=request.GET, unit=unit
            ),
            "cases": listing.page.rows,
            "next_after": listing.page.next_token,
            "query": query.urlencode(),
            "pending_referrals": pending_referrals(
                user=request.user, organisation_id=organisation_id
            ),
            "nav_active": "cases",
        },
    )


def _positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 19 else None


@login_required
def referral_new(request: MemberRequest, person_pk: int) -> HttpResponse:
    person = get_visible_or_404(people_visible_to(request.user), pk=person_pk)
    require(request.user, "case.open", organisation_id=person.organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=person.organisation_id)
    households = households_visible_to(request.user).filter(child=person)
    form = ReferralForm(
        request.POST or None,
        units=units,
        households=households,
        initial={"unit": request.unit or person.unit},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = submit_once(
                request,
                lambda: referral_register(actor=request.user, person=person, **form.cleaned_data),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The referral is registered; decide on it below."))
            return redirect("cases:referral", pk=referral.pk)
    return render(
        request, "cases/referral_form.html", {"form": form, "person": person, "nav_active": "cases"}
    )


@login_required
def referral_detail(request: MemberRequest, pk: int) -> HttpResponse:
    referral = referral_for(user=request.user, pk=pk)
    organisation_id = referral.organisation_id
    can_decide = has_capability(request.user, "case.open", organisation_id)
    form = ReferralDecisionForm(
        request.POST or None,
        staff=staff_of(organisation_id),
        initial={"version": referral.version, "key_worker": request.user.pk},
    )
    if request.method == "POST":
        require(request.user, "case.open", organisation_id=organisation_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = referral_decide(
                    actor=request.user, referral=referral, decision=data["decision"], reason=data["decision_reason"],
                    redirected_to=data["redirected_to"], key_worker=data["key_worker"], expected_version=data["version"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if case is not None:
                    messages.success(
                        request, _("Case %(number)s is opened.") % {"number": case.number}
                    )
                    return redirect(case)
                messages.success(request, _("The decision is recorded."))
                return redirect("cases:list")
    audit_view(actor=request.user, obj=referral, person_id=referral.person_id)
    return render(
        request,
        "cases/referral_detail.html",
        {"referral": referral, "form": form, "can_decide": can_decide, "nav_active": "cases"},
    )


@login_required
def case_new(request: MemberRequest, person_pk: int) -> HttpResponse:
    """Open a case without a referral (universally accessible services)."""
    person = get_visible_or_404(people_visible_to(request.user), pk=person_pk)
    require(request.user, "case.open", organisation_id=person.organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=person.organisation_id)
    form = CaseOpenForm(
        request.POST or None,
        units=units,
        staff=staff_of(person.organisation_id),
        initial={"unit": request.unit or person.unit, "key_worker": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = submit_once(
                request, lambda: case_open(actor=request.user, person=person, **form.cleaned_data)
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s is opened.") % {"number": case.number})
            return redirect(case)
    return render(
        request, "cases/case_new.html", {"form": form, "person": person, "nav_active": "cases"}
    )


@login_required
def case_detail(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for_page(user=request.user, pk=pk)
    organisation_id = case.organisation_id
    prefetch_related_objects([case], "team")  # shown, and asked by the confidentiality rule
    show_confidential = can_read_case_confidential(request.user, case)
    audit_view(actor=request.user, obj=case, person_id=case.person_id)
    records = CaseRecords.of(case)
    timeline = case_timeline(
        case, user=request.user, after=request.GET.get("after"), records=records
    )
    if "after" in request.GET and getattr(request, "htmx", False):  # "Earlier entries"
        return render(
            request,
            "cases/_timeline_entries.html",
            {"case": case, "timeline": timeline, "show_confidential": show_confidential},
        )
    can_manage = has_capability(request.user, "case.manage", organisation_id)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "timeline": timeline,
            "timeline_continued": "after" in request.GET,
            "team": case.team.all(),  # prefetched
            "show_confidential": show_confidential,
            "can_manage": can_manage,
            "can_contact": has_capability(request.user, "case.contact", organisation_id)
            and case.is_open,
            "can_history": has_capability(request.user, "case.history", organisation_id),
            "closure": getattr(case, "closure", None) if CASE_SECTIONS.has(case, Closure) else None,
            "assessments": records.assessments,
            "plans": records.plans,
            "has_draft_plan": any(plan.status == PlanStatus.DRAFT for plan in records.plans),
            # A plan in force while the case has not reached support: the move in one click.
            "offer_support": can_manage
            and case.status in (CaseStatus.REFERRED, CaseStatus.ASSESSMENT, CaseStatus.ASSESSED)
            and any(plan.status == PlanStatus.APPROVED for plan in records.plans),
            "reviews": records.reviews,
            "contracts": ServiceContract.objects.filter(case=case).prefetch_related("annexes")
            if CASE_SECTIONS.has(case, ServiceContract)
            else [],
            "documents": records.documents,
            "can_assess": has_capability(request.user, "case.assess", organisation_id)
            and case.is_open,
            "follow_ups": case.follow_ups.all() if CASE_SECTIONS.has(case, FollowUp) else [],
            "tasks": _open_tasks(case) if CASE_SECTIONS.has(case, Task) else [],
            "can_approve": has_capability(request.user, "case.approve", organisation_id),
            "nav_active": "cases",
        },
    )


def _open_tasks(case: Case) -> list[Task]:
    """The case's open tasks, each given the case already read (their titles name it)."""
    tasks = list(case.tasks.open().select_related("assignee"))
    for task in tasks:
        task.case = case
    return tasks


@login_required
def case_move_view(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.manage", organisation_id=case.organisation_id)
    form = CaseMoveForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            case_move(
                actor=request.user, case=case, to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case's stage is changed."))
            return redirect(case)
    return render(
        request, "cases/case_move.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def case_edit(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.manage", organisation_id=case.organisation_id)
    form = CaseEditForm(
        request.POST or None,
        instance=case,
        staff=staff_of(case.organisation_id),
        households=households_visible_to(request.user).filter(child=case.person),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_update(
                actor=request.user, case=case, risk_level=data["risk_level"],
                is_restricted=data["is_restricted"], key_worker=data["key_worker"],
                household=data["household"], team=data["team"], expected_version=data["version"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(case)
    return render(
        request, "cases/case_edit.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
@offline_page  # recorded on the street: kept on the device, sent from the outbox
def contact_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.contact", organisation_id=case.organisation_id)
    staff = staff_of(case.organisation_id).exclude(pk=request.user.pk)
    form = ContactForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            staff = data.pop("other_staff")
            submit_once(
                request,
                lambda: contact_record(actor=request.user, case=case, staff=staff, **data),
                then=case.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact is recorded."))
            return redirect(case)
    return render(
        request, "cases/contact_form.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def case_history(request: MemberRequest, pk: int) -> HttpResponse:
    """Who saw and changed this case and its contacts: for the director and the DPO."""
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.history", organisation_id=case.organisation_id)
    contacts = [("cases.contact", pk) for pk in case.contacts.values_list("pk", flat=True)]
    return record_history(
        request,
        record=case,
        events=audit_events_for_record(
            organisation_id=case.organisation_id, records=[("cases.case", case.pk), *contacts]
        ),
        viewed=lambda: _viewed_history(request, case),
        nav_active="cases",
    )


def _viewed_history(request: MemberRequest, case: Case) -> None:
    audit_view(actor=request.user, obj=case, person_id=case.person_id, what="history")
