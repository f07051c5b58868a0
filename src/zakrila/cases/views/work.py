"""Closure and follow-up, tasks, and "my work"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zakrila.accounts.policy import (
    has_capability,
    require,
)
from zakrila.accounts.queries import staff_of
from zakrila.cases.forms import (
    ClosureDecisionForm,
    ClosureForm,
    FollowUpForm,
    TaskForm,
)
from zakrila.cases.queries import (
    approvals_waiting,
    case_for,
    follow_up_for,
    my_open_tasks,
    overdue_per_worker,
    pending_closure_for,
    task_for,
)
from zakrila.cases.services import (
    closure_approve,
    closure_reject,
    closure_request,
    follow_up_record,
    task_complete,
    task_create,
)
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.paging import keyset_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once

PAGE_SIZE = 50


@login_required
def closure_new(request: MemberRequest, pk: int) -> HttpResponse:
    """Propose to close the case with its outcome; the director approves."""
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.manage", organisation_id=case.organisation_id)
    form = ClosureForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closure = closure_request(
                actor=request.user, case=case, outcome=data["outcome"], reason=data["reason"],
                expected_version=data["version"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if closure.is_approved:
                messages.success(
                    request, _("The case is closed; follow-ups at 3, 6 and 12 months are planned.")
                )
            else:
                messages.success(request, _("The closure waits for the director's approval."))
            return redirect(case)
    return render(
        request, "cases/closure_form.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def closure_decide(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.approve", organisation_id=case.organisation_id)
    closure = pending_closure_for(user=request.user, case=case)
    form = ClosureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                closure_approve(actor=request.user, closure=closure)
                messages.success(
                    request, _("The case is closed; follow-ups at 3, 6 and 12 months are planned.")
                )
            else:
                closure_reject(
                    actor=request.user, closure=closure, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The closure is returned; the case stays open."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(case)
    return render(
        request,
        "cases/closure_decide.html",
        {"case": case, "closure": closure, "form": form, "nav_active": "cases"},
    )


@login_required
def follow_up_view(request: MemberRequest, pk: int) -> HttpResponse:
    follow_up = follow_up_for(user=request.user, pk=pk)
    case = follow_up.case
    require(request.user, "case.contact", organisation_id=case.organisation_id)
    form = FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_record(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect(case)
    return render(
        request,
        "cases/follow_up_form.html",
        {"case": case, "follow_up": follow_up, "form": form, "nav_active": "cases"},
    )


@login_required
def task_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.contact", organisation_id=case.organisation_id)
    form = TaskForm(
        request.POST or None,
        staff=staff_of(case.organisation_id),
        initial={"assignee": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            submit_once(request, lambda: task_create(
                actor=request.user, case=case, organisation_id=case.organisation_id,
                **form.cleaned_data,
            ), then=case.get_absolute_url())  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        messages.success(request, _("The task is added."))
        return redirect(case)
    return render(
        request, "cases/task_form.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
@require_POST
def task_done(request: MemberRequest, pk: int) -> HttpResponse:
    task = task_for(user=request.user, pk=pk)
    try:
        task_complete(actor=request.user, task=task)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Marked as done."))
    next_url = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("cases:my_work")


@login_required
def my_work(request: MemberRequest) -> HttpResponse:
    """What waits for me: decisions waiting for the director, then my open tasks, overdue
    first, fifty at a time; the director also sees overdue work per worker."""
    organisation_id = request.membership.organisation_id
    today = timezone.localdate()
    tasks = my_open_tasks(user=request.user, organisation_id=organisation_id)
    page = keyset_page(
        tasks, order=("due_on", "id"), after=request.GET.get("after"), size=PAGE_SIZE
    )
    overdue = [task for task in page.rows if task.due_on < today]
    upcoming = [task for task in page.rows if task.due_on >= today]
    per_worker = None
    if has_capability(request.user, "case.approve", organisation_id):
        per_worker = overdue_per_worker(organisation_id=organisation_id, today=today)
    return render(
        request,
        "cases/my_work.html",
        {
            "approvals": approvals_waiting(user=request.user, organisation_id=organisation_id),
            "overdue": overdue,
            "upcoming": upcoming,
            "overdue_count": tasks.filter(due_on__lt=today).count(),
            "upcoming_count": tasks.filter(due_on__gte=today).count(),
            "page": page,
            "first_page": not request.GET.get("after") or page.started_after is None,
            "per_worker": per_worker,
            "today": today,
            "nav_active": "my_work",
        },
    )
