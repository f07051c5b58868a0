"""Anonymous feedback on a module, typed in from the questionnaires the trainees filled in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.policy import require
from zakrila.audit.services import create_audited
from zakrila.core.models import same_organisation
from zakrila.training.feedback_templates import SCALE, SCALE_MAX, SCALE_MIN
from zakrila.training.models import Cohort, FeedbackResponse, FeedbackTemplate, Module


def _clean_answers(template: FeedbackTemplate, answers: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for question in template.questions:
        key = question["key"]
        value = answers.get(key)
        if value in (None, ""):
            continue  # every question may be left unanswered
        if question["type"] == SCALE:
            try:
                number = int(str(value))
            except (TypeError, ValueError):
                number = 0
            if not SCALE_MIN <= number <= SCALE_MAX:
                raise ValidationError(
                    {
                        key: _("Choose from %(low)s to %(high)s.")
                        % {"low": SCALE_MIN, "high": SCALE_MAX}
                    },
                    code="scale",
                )
            cleaned[key] = number
        else:
            cleaned[key] = str(value).strip()[:2000]
    if not cleaned:
        raise ValidationError(
            _("The questionnaire is empty: answer at least one question."), code="empty"
        )
    return cleaned


@transaction.atomic
def feedback_record(
    *, actor: User, cohort: Cohort, module: Module, answers: dict[str, Any]
) -> FeedbackResponse:
    """One questionnaire about one module. It names no trainee: the answers are anonymous."""
    require(actor, "training.manage", organisation_id=cohort.organisation_id)
    same_organisation(cohort, module)
    if module.edition_id != cohort.edition_id:
        raise ValidationError(
            {"module": _("This module is not part of the edition the cohort runs.")},
            code="other_edition",
        )
    template = cohort.edition.feedback_template
    if template is None:
        raise ValidationError(
            _("The programme edition has no feedback questionnaire."), code="no_template"
        )
    response = FeedbackResponse(
        organisation_id=cohort.organisation_id, cohort=cohort, module=module, template=template,
        answers=_clean_answers(template, answers), created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(response, actor=actor, details={"cohort": cohort.pk, "module": module.pk})
    return response
