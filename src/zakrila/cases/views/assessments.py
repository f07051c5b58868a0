"""Assessments from templates: start, fill in, complete, approve, print."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zakrila.accounts.policy import (
    has_capability,
    require,
)
from zakrila.audit.services import audit_view
from zakrila.cases.forms import (
    AssessmentForm,
    AssessmentStartForm,
)
from zakrila.cases.models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
)
from zakrila.cases.queries import (
    assessment_for,
    case_for,
)
from zakrila.cases.services import (
    assessment_approve,
    assessment_printed,
    assessment_save,
    assessment_start,
)
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.pdf import pdf_response, render_pdf
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once

PAGE_SIZE = 50


@login_required
def assessment_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.assess", organisation_id=case.organisation_id)
    templates = AssessmentTemplate.objects.filter(is_current=True).filter(
        Q(organisation__isnull=True) | Q(organisation_id=case.organisation_id)
    )
    form = AssessmentStartForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = submit_once(
                request,
                lambda: assessment_start(
                    actor=request.user, case=case, template=form.cleaned_data["template"]
                ),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(assessment)
    return render(
        request, "cases/assessment_new.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def assessment_detail(request: MemberRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(user=request.user, pk=pk)
    organisation_id = assessment.organisation_id
    editable = assessment.status == AssessmentStatus.DRAFT and has_capability(
        request.user, "case.assess", organisation_id
    )
    form = AssessmentForm(request.POST or None, assessment=assessment) if editable else None
    if request.method == "POST":
        require(request.user, "case.assess", organisation_id=organisation_id)
        if form is not None and form.is_valid():
            complete = request.POST.get("action") == "complete"
            try:
                assessment_save(
                    actor=request.user, assessment=assessment, answers=form.answers(), complete=complete,
                    expected_version=form.cleaned_data["version"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The assessment is completed.") if complete else _("The draft is saved."),
                )
                return redirect(assessment)
    audit_view(actor=request.user, obj=assessment, person_id=assessment.case.person_id)
    return render(
        request,
        "cases/assessment_detail.html",
        {
            "assessment": assessment,
            "case": assessment.case,
            "form": form,
            "answered": _answered(assessment),
            "can_approve": assessment.status == AssessmentStatus.COMPLETED
            and has_capability(request.user, "case.approve_assessment", organisation_id),
            "nav_active": "cases",
        },
    )


def _answered(assessment: Assessment) -> list[tuple[Any, list[tuple[str, str]]]]:
    """The answers as text, section by section, in the page's language."""
    rows = []
    for section in assessment.template.sections.all():
        shown = []
        for question in section.questions.all():
            value = assessment.answers.get(question.key)
            labels = dict(question.choice_pairs())
            if value is None:
                text = "—"
            elif isinstance(value, bool):
                text = str(_("yes") if value else _("no"))
            elif isinstance(value, list):
                text = ", ".join(labels.get(str(item), str(item)) for item in value)
            elif question.answer_type == "date":
                text = date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            elif question.answer_type == "scale":
                text = f"{value} / {question.scale_max}"
            else:
                text = labels.get(str(value), str(value))
            shown.append((question.text, text))
        rows.append((section, shown))
    return rows


@login_required
@require_POST
def assessment_approve_view(request: MemberRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(user=request.user, pk=pk)
    try:
        assessment_approve(actor=request.user, assessment=assessment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The assessment is approved."))
    return redirect(assessment)


@login_required
def assessment_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(user=request.user, pk=pk)
    assessment_printed(actor=request.user, assessment=assessment)
    pdf = render_pdf(
        "cases/assessment_pdf.html",
        {"assessment": assessment, "case": assessment.case, "answered": _answered(assessment)},
        request=request,
    )
    return pdf_response(pdf, f"{assessment.case.number}-{assessment.template.code}.pdf")
