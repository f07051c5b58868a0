"""The centre's overview, programmes, editions and modules."""

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
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.training.forms import EditionForm, ModuleForm, ProgrammeForm
from zakrila.training.queries import (
    cohort_rows,
    edition_for,
    module_for,
    programme_for,
    programmes_with_editions,
)
from zakrila.training.services import (
    edition_new,
    edition_publish,
    edition_update,
    module_add,
    module_update,
    programme_create,
)

NAV = "training"


@login_required
def index(request: MemberRequest) -> HttpResponse:
    """The training centre: cohorts (running, planned, finished) and programmes."""
    organisation_id = request.membership.organisation_id
    require(request.user, "training.view", organisation_id=organisation_id)
    return render(
        request,
        "training/index.html",
        {
            "cohorts": cohort_rows(
                user=request.user, organisation_id=organisation_id, today=timezone.localdate()
            ),
            "programmes": programmes_with_editions(
                user=request.user, organisation_id=organisation_id
            ),
            "can_manage": has_capability(request.user, "training.manage", organisation_id),
            "nav_active": NAV,
        },
    )


@login_required
def programme_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "training.manage", organisation_id=organisation_id)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = submit_once(request, lambda: programme_create(
                actor=request.user, organisation_id=organisation_id, code=data["code"], name=data["name"],
                name_en=data["name_en"], description=data["description"],
                completion_rule=data["completion_rule"], completion_percent=data["completion_percent"],
            ))  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The programme is created: add the modules of its first edition.")
            )
            return redirect(programme.editions.get())
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("New training programme"), "back": "training:index", "nav_active": NAV},
    )  # fmt: skip


@login_required
def programme_detail(request: MemberRequest, pk: int) -> HttpResponse:
    programme = programme_for(user=request.user, pk=pk)
    editions = programme.editions.prefetch_related("modules").order_by("-number")
    return render(
        request,
        "training/programme_detail.html",
        {
            "programme": programme,
            "editions": editions,
            "can_manage": has_capability(
                request.user, "training.manage", programme.organisation_id
            ),
            "nav_active": NAV,
        },
    )


@login_required
@require_POST
def edition_new_view(request: MemberRequest, pk: int) -> HttpResponse:
    programme = programme_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=programme.organisation_id)
    try:
        edition = submit_once(request, lambda: edition_new(actor=request.user, programme=programme))
    except AlreadySubmitted as done:
        return already_sent(request, done)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(programme)
    messages.success(request, _("A new draft edition is made as a copy of the latest one."))
    return redirect(edition)


@login_required
def edition_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """An edition's modules and completion rule; a draft's rule is changed here."""
    edition = edition_for(user=request.user, pk=pk)
    can_manage = has_capability(request.user, "training.manage", edition.organisation_id)
    form = (
        EditionForm(request.POST or None, instance=edition)
        if edition.is_draft and can_manage
        else None
    )
    if request.method == "POST":
        require(request.user, "training.manage", organisation_id=edition.organisation_id)
        if form is None:
            messages.error(request, _("A published edition is not changed: make a new edition."))
            return redirect(edition)
        if form.is_valid():
            data = form.cleaned_data
            try:
                edition_update(
                    actor=request.user, edition=edition, completion_rule=data["completion_rule"],
                    completion_percent=data["completion_percent"], changes=data["changes"],
                    expected_version=data["version"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The changes are saved."))
                return redirect(edition)
    modules = list(edition.modules.order_by("number"))
    return render(
        request,
        "training/edition_detail.html",
        {
            "edition": edition,
            "programme": edition.programme,
            "modules": modules,
            "total_hours": sum(m.hours for m in modules),
            "form": form,
            "can_manage": can_manage,
            "cohorts": edition.cohorts.order_by("-starts_on"),
            "nav_active": NAV,
        },
    )


@login_required
@require_POST
def edition_publish_view(request: MemberRequest, pk: int) -> HttpResponse:
    edition = edition_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=edition.organisation_id)
    try:
        edition_publish(actor=request.user, edition=edition)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The edition is published: cohorts can now run it."))
    return redirect(edition)


@login_required
def module_new(request: MemberRequest, pk: int) -> HttpResponse:
    edition = edition_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=edition.organisation_id)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submit_once(request, lambda: module_add(
                actor=request.user, edition=edition, title=data["title"], title_en=data["title_en"],
                hours=data["hours"], learning_outcomes=data["learning_outcomes"], trainers=data["trainers"],
            ), then=edition.get_absolute_url())  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The module is added."))
            return redirect(edition)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("New module"), "context_object": edition, "nav_active": NAV},
    )


@login_required
def module_edit(request: MemberRequest, pk: int) -> HttpResponse:
    module = module_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=module.organisation_id)
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            module_update(
                actor=request.user, module=module, title=data["title"], title_en=data["title_en"],
                hours=data["hours"], learning_outcomes=data["learning_outcomes"], trainers=data["trainers"],
                expected_version=data["version"] or 0,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(module.edition)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": str(module), "context_object": module.edition, "nav_active": NAV},
    )
