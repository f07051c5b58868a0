"""Individual support plans, their goals and activities, reviews, and service contracts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from zakrila.accounts.policy import (
    has_capability,
    require,
)
from zakrila.audit.services import audit_view
from zakrila.cases.forms import (
    ActivityForm,
    AnnexForm,
    GoalForm,
    PlanForm,
    ReviewForm,
    ServiceContractForm,
)
from zakrila.cases.models import (
    PlanGoal,
    PlanStatus,
)
from zakrila.cases.queries import (
    case_for,
    contract_for,
    goal_for,
    plan_for,
)
from zakrila.cases.services import (
    activity_add,
    annex_record,
    contract_record,
    goal_add,
    goal_remove,
    plan_approve,
    plan_create,
    plan_printed,
    plan_update,
    review_record,
)
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.pdf import pdf_response, render_pdf
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once

PAGE_SIZE = 50


@login_required
@require_POST
def plan_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.assess", organisation_id=case.organisation_id)
    try:
        plan = submit_once(request, lambda: plan_create(actor=request.user, case=case))
    except AlreadySubmitted as done:
        return already_sent(request, done)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(case)
    return redirect(plan)


@login_required
def plan_detail(request: MemberRequest, pk: int) -> HttpResponse:
    plan = plan_for(user=request.user, pk=pk)
    organisation_id = plan.organisation_id
    can_edit = plan.status == PlanStatus.DRAFT and has_capability(
        request.user, "case.assess", organisation_id
    )
    form = PlanForm(request.POST or None, instance=plan) if can_edit else None
    if request.method == "POST":
        require(request.user, "case.assess", organisation_id=organisation_id)
        if form is not None and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                plan_update(
                    actor=request.user, plan=plan, expected_version=data.pop("version"), **data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The changes are saved."))
                return redirect(plan)
    audit_view(actor=request.user, obj=plan, person_id=plan.case.person_id)
    return render(
        request,
        "cases/plan_detail.html",
        {
            "plan": plan,
            "case": plan.case,
            "form": form,
            "goals": plan.goals.prefetch_related("activities"),
            "goal_form": GoalForm() if can_edit else None,
            "activity_form": ActivityForm() if can_edit else None,
            "reviews": plan.reviews.prefetch_related("progress__goal"),
            "can_edit": can_edit,
            "can_approve": plan.status == PlanStatus.DRAFT
            and has_capability(request.user, "case.approve_assessment", organisation_id),
            "can_review": plan.status == PlanStatus.APPROVED
            and plan.case.is_open
            and has_capability(request.user, "case.assess", organisation_id),
            "nav_active": "cases",
        },
    )


def _goal_part(
    request: MemberRequest,
    goal: PlanGoal,
    *,
    activity_form: ActivityForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    """One goal of a draft plan, redrawn in place (htmx): the rest of the page keeps what was
    typed in it."""
    return render(
        request,
        "cases/_plan_goal.html",
        {
            "goal": goal,
            "plan": goal.plan,
            "can_edit": True,
            "activity_form": activity_form or ActivityForm(),
            "goal_errors": errors or [],
        },
    )


@login_required
@require_POST
def plan_goal_add(request: MemberRequest, pk: int) -> HttpResponse:
    plan = plan_for(user=request.user, pk=pk)
    require(request.user, "case.assess", organisation_id=plan.organisation_id)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            goal = submit_once(
                request,
                lambda: goal_add(actor=request.user, plan=plan, text=form.cleaned_data["text"]),
                then=plan.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            if request.htmx:
                return HttpResponseClientRedirect(done.url or plan.get_absolute_url())
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if request.htmx:
                # The new goal at the end of the list, and a fresh, empty form to add the next.
                return render(
                    request,
                    "cases/_plan_goal_added.html",
                    {
                        "goal": goal,
                        "plan": plan,
                        "can_edit": True,
                        "activity_form": ActivityForm(),
                        "goal_form": GoalForm(),
                    },
                )
            return redirect(plan)
    if request.htmx:
        # The form again, with what was typed and what to fix, in place of the one sent.
        response = render(request, "cases/_plan_goal_add.html", {"plan": plan, "goal_form": form})
        return reswap(retarget(response, "#plan-goal-add"), "outerHTML")
    problems = [str(problem) for errors in form.errors.values() for problem in errors]
    for problem in problems or [_("Write the goal.")]:
        messages.error(request, problem)
    return redirect(plan)


@login_required
@require_POST
def plan_goal_remove(request: MemberRequest, pk: int) -> HttpResponse:
    goal = goal_for(user=request.user, pk=pk)
    require(request.user, "case.assess", organisation_id=goal.organisation_id)
    try:
        goal_remove(actor=request.user, goal=goal)
    except ValidationError as error:
        if request.htmx:
            return _goal_part(request, goal, errors=error.messages)
        for message in error.messages:
            messages.error(request, message)
    else:
        if request.htmx:
            return HttpResponse("")  # the goal's box is taken off the page
    return redirect(goal.plan)


@login_required
@require_POST
def plan_activity_add(request: MemberRequest, pk: int) -> HttpResponse:
    goal = goal_for(user=request.user, pk=pk)
    require(request.user, "case.assess", organisation_id=goal.organisation_id)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            submit_once(
                request,
                lambda: activity_add(actor=request.user, goal=goal, **form.cleaned_data),
                then=goal.plan.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            if request.htmx:
                return HttpResponseClientRedirect(done.url or goal.plan.get_absolute_url())
            return already_sent(request, done)
        except ValidationError as error:
            if request.htmx:
                apply_errors(form, error)
                return _goal_part(request, goal, activity_form=form)
            for message in error.messages:
                messages.error(request, message)
        else:
            if request.htmx:
                return _goal_part(request, goal)
    else:
        if request.htmx:
            return _goal_part(request, goal, activity_form=form)
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for problem in errors:
                messages.error(request, f"{label}: {problem}" if label else str(problem))
    return redirect(goal.plan)


@login_required
@require_POST
def plan_approve_view(request: MemberRequest, pk: int) -> HttpResponse:
    plan = plan_for(user=request.user, pk=pk)
    try:
        plan_approve(actor=request.user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan is approved; its review is planned."))
    return redirect(plan)


@login_required
def plan_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    plan = plan_for(user=request.user, pk=pk)
    plan_printed(actor=request.user, plan=plan)
    pdf = render_pdf(
        "cases/plan_pdf.html",
        {"plan": plan, "case": plan.case, "goals": plan.goals.prefetch_related("activities")},
        request=request,
    )
    return pdf_response(pdf, f"{plan.case.number}-ipp-{plan.number}.pdf")


@login_required
def review_new(request: MemberRequest, pk: int) -> HttpResponse:
    plan = plan_for(user=request.user, pk=pk)
    require(request.user, "case.assess", organisation_id=plan.organisation_id)
    form = ReviewForm(request.POST or None, plan=plan, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            submit_once(request, lambda: review_record(
                actor=request.user, plan=plan, held_on=form.cleaned_data["held_on"],
                decision=form.cleaned_data["decision"], notes=form.cleaned_data["notes"], progress=form.progress(),
            ), then=plan.case.get_absolute_url())  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect(plan.case)
    return render(
        request,
        "cases/review_form.html",
        {"plan": plan, "case": plan.case, "form": form, "nav_active": "cases"},
    )


@login_required
def contract_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.manage", organisation_id=case.organisation_id)
    form = ServiceContractForm(
        request.POST or None,
        initial={"signed_on": timezone.localdate(), "starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            submit_once(
                request,
                lambda: contract_record(actor=request.user, case=case, **form.cleaned_data),
                then=case.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contract is recorded."))
            return redirect(case)
    return render(
        request,
        "cases/contract_form.html",
        {
            "case": case,
            "form": form,
            "title": _("Contract for use of the service"),
            "nav_active": "cases",
        },
    )


@login_required
def annex_new(request: MemberRequest, pk: int) -> HttpResponse:
    contract = contract_for(user=request.user, pk=pk)
    require(request.user, "case.manage", organisation_id=contract.organisation_id)
    form = AnnexForm(request.POST or None, initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            submit_once(
                request,
                lambda: annex_record(actor=request.user, contract=contract, **form.cleaned_data),
                then=contract.case.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The annex is recorded."))
            return redirect(contract.case)
    return render(
        request,
        "cases/contract_form.html",
        {
            "case": contract.case,
            "form": form,
            "title": _("Annex to contract %(number)s") % {"number": contract.number},
            "nav_active": "cases",
        },
    )
