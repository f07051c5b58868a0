"""Anonymous feedback per module: typed in from paper, averaged per module and cohort."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zakrila.accounts.policy import has_capability, require
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.training.forms import FeedbackForm
from zakrila.training.models import Module
from zakrila.training.queries import cohort_for, feedback_summary
from zakrila.training.services import feedback_record

NAV = "training"


@login_required
def feedback(request: MemberRequest, pk: int) -> HttpResponse:
    """Averages per module and for the cohort, and the comments. Nothing names a trainee."""
    cohort = cohort_for(user=request.user, pk=pk)
    return render(
        request,
        "training/feedback.html",
        {
            "cohort": cohort,
            "summary": feedback_summary(cohort),
            "can_manage": has_capability(request.user, "training.manage", cohort.organisation_id),
            "nav_active": NAV,
        },
    )


@login_required
def feedback_new(request: MemberRequest, pk: int) -> HttpResponse:
    """Type in one paper questionnaire; the form comes back empty for the next one."""
    cohort = cohort_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=cohort.organisation_id)
    template = cohort.edition.feedback_template
    if template is None:
        messages.error(request, _("The programme edition has no feedback questionnaire."))
        return redirect(cohort)
    modules = Module.objects.filter(edition_id=cohort.edition_id).order_by("number")
    form = FeedbackForm(
        request.POST or None,
        template=template,
        modules=modules,
        initial={"module": request.GET.get("module")},
    )
    if request.method == "POST" and form.is_valid():
        module = form.cleaned_data["module"]
        try:
            submit_once(request, lambda: feedback_record(
                actor=request.user, cohort=cohort, module=module, answers=form.answers(),
            ), then=cohort.get_absolute_url())  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {f"q_{key}": value for key, value in error.error_dict.items()}
                )
            apply_errors(form, error)
        else:
            messages.success(request, _("The questionnaire is saved. Type in the next one."))
            return redirect(f"{request.path}?module={module.pk}")
    return render(
        request,
        "training/feedback_form.html",
        {"cohort": cohort, "form": form, "template": template, "nav_active": NAV},
    )
