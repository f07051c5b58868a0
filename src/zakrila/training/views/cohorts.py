"""Cohorts, their trainees and sessions, and the completion page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zakrila.accounts.policy import has_capability, require
from zakrila.audit.services import audit_view
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.training.completion import trainee_completion
from zakrila.training.forms import CohortForm, SessionForm, TraineeForm
from zakrila.training.models import CompletionRule, Module
from zakrila.training.queries import (
    certificates_of_cohort,
    cohort_for,
    completion_rows,
    missing_text,
    published_editions,
    sessions_by_module,
    trainee_for,
    trainees_of,
    trainers_of,
)
from zakrila.training.services import (
    cohort_create,
    cohort_update,
    session_schedule,
    trainee_add,
    trainee_update,
)

NAV = "training"


@login_required
def cohort_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "training.manage", organisation_id=organisation_id)
    form = CohortForm(
        request.POST or None,
        editions=published_editions(user=request.user, organisation_id=organisation_id),
        trainers=trainers_of(organisation_id),
        initial={"trainers": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = submit_once(request, lambda: cohort_create(
                actor=request.user, edition=data["edition"], name=data["name"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], place=data["place"], trainers=data["trainers"],
            ))  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The cohort is created: add its trainees and sessions."))
            return redirect(cohort)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("New cohort"), "back": "training:index", "nav_active": NAV},
    )


@login_required
def cohort_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """A cohort: its trainees, its sessions module by module, its certificates."""
    cohort = cohort_for(user=request.user, pk=pk)
    trainees = list(trainees_of(cohort))
    audit_view(actor=request.user, obj=cohort, details={"trainees": len(trainees)})
    return render(
        request,
        "training/cohort_detail.html",
        {
            "cohort": cohort,
            "edition": cohort.edition,
            "trainees": trainees,
            "modules": sessions_by_module(cohort),
            "certificates": certificates_of_cohort(cohort),
            "trainers": cohort.trainers.order_by("full_name"),
            "can_manage": has_capability(request.user, "training.manage", cohort.organisation_id),
            "nav_active": NAV,
        },
    )


@login_required
def cohort_edit(request: MemberRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=cohort.organisation_id)
    form = CohortForm(
        request.POST or None,
        instance=cohort,
        editions=published_editions(user=request.user, organisation_id=cohort.organisation_id),
        trainers=trainers_of(cohort.organisation_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort_update(
                actor=request.user, cohort=cohort, name=data["name"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], place=data["place"], trainers=data["trainers"],
                expected_version=data["version"] or 0,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(cohort)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": cohort.name, "context_object": cohort, "nav_active": NAV},
    )


@login_required
def trainee_new(request: MemberRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=cohort.organisation_id)
    form = TraineeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submit_once(request, lambda: trainee_add(
                actor=request.user, cohort=cohort, full_name=data["full_name"], employer=data["employer"],
                employer_type=data["employer_type"], region=data["region"], position=data["position"],
                email=data["email"],
            ), then=cohort.get_absolute_url())  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is enrolled.") % {"name": data["full_name"].strip()}
            )
            if "another" in request.POST:
                return redirect("training:trainee_new", pk=cohort.pk)
            return redirect(cohort)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("Enrol a trainee"),
            "context_object": cohort,
            "another": _("Save and enrol another"),
            "nav_active": NAV,
        },
    )


@login_required
def trainee_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """A trainee: their details, their hours module by module, their certificates."""
    trainee = trainee_for(user=request.user, pk=pk)
    completion = trainee_completion(trainee)
    edition = trainee.cohort.edition
    audit_view(actor=request.user, obj=trainee)
    return render(
        request,
        "training/trainee_detail.html",
        {
            "trainee": trainee,
            "cohort": trainee.cohort,
            "edition": edition,
            "completion": completion,
            "missing": missing_text(
                completion, rule_every_module=edition.completion_rule == CompletionRule.EVERY_MODULE
            ),
            "certificates": trainee.certificates.order_by("-issued_on"),
            "can_manage": has_capability(request.user, "training.manage", trainee.organisation_id),
            "nav_active": NAV,
        },
    )


@login_required
def trainee_edit(request: MemberRequest, pk: int) -> HttpResponse:
    trainee = trainee_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=trainee.organisation_id)
    form = TraineeForm(request.POST or None, instance=trainee)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trainee_update(
                actor=request.user, trainee=trainee, full_name=data["full_name"], employer=data["employer"],
                employer_type=data["employer_type"], region=data["region"], position=data["position"],
                email=data["email"], expected_version=data["version"] or 0,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("training:trainee", pk=trainee.pk)
    audit_view(actor=request.user, obj=trainee, what="edit form")
    return render(
        request,
        "training/form.html",
        {"form": form, "title": trainee.full_name, "context_object": trainee.cohort, "nav_active": NAV},
    )  # fmt: skip


@login_required
def session_new(request: MemberRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=cohort.organisation_id)
    modules = Module.objects.filter(edition_id=cohort.edition_id).order_by("number")
    form = SessionForm(
        request.POST or None,
        modules=modules,
        initial={"module": request.GET.get("module"), "held_on": cohort.starts_on},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submit_once(request, lambda: session_schedule(
                actor=request.user, cohort=cohort, module=data["module"], held_on=data["held_on"],
                starts_at=data["starts_at"], hours=data["hours"],
            ), then=cohort.get_absolute_url())  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect(cohort)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("New session"), "context_object": cohort, "nav_active": NAV},
    )


@login_required
def completion(request: MemberRequest, pk: int) -> HttpResponse:
    """Who completed under the edition's rule, who is missing what, hours module by module."""
    cohort = cohort_for(user=request.user, pk=pk)
    rows = completion_rows(cohort)
    audit_view(actor=request.user, obj=cohort, what="completion", details={"trainees": len(rows)})
    edition = cohort.edition
    return render(
        request,
        "training/completion.html",
        {
            "cohort": cohort,
            "edition": edition,
            "modules": list(edition.modules.order_by("number")),
            "rows": rows,
            "completed": sum(1 for row in rows if row.completion.completed),
            "waiting": sum(1 for row in rows if row.waiting_for_certificate),
            "can_manage": has_capability(request.user, "training.manage", cohort.organisation_id),
            "nav_active": NAV,
        },
    )
