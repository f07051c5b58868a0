"""Feedback questionnaires as data: the one shipped with Zakrila (``template_data/``), loaded
at ``migrate``. A file whose content changed becomes a new version; responses stay with the
version they answered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zakrila.training.models import FeedbackTemplate

SHIPPED = Path(__file__).parent / "template_data"
SCALE = "scale"
TEXT = "text"
SCALE_MIN, SCALE_MAX = 1, 5


def template_check(data: Any) -> None:
    """Refuse a questionnaire that would not make a usable form, naming what is wrong."""
    if not isinstance(data, dict) or not data.get("code") or not data.get("name_bg"):
        raise ValidationError(_("A questionnaire has a code and a Bulgarian name."), code="bad")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise ValidationError(_("A questionnaire has questions."), code="bad")
    keys: set[str] = set()
    for question in questions:
        key = question.get("key", "") if isinstance(question, dict) else ""
        if not key or key in keys:
            raise ValidationError(
                _("Every question needs its own key; “%(key)s” is missing or repeated.")
                % {"key": key},
                code="bad",
            )
        keys.add(key)
        if not question.get("text_bg"):
            raise ValidationError(
                _("Question “%(key)s” has no Bulgarian text.") % {"key": key}, code="bad"
            )
        if question.get("type") not in (SCALE, TEXT):
            raise ValidationError(
                _("Question “%(key)s” has an unknown answer type.") % {"key": key}, code="bad"
            )


@transaction.atomic
def template_install(data: dict[str, Any]) -> FeedbackTemplate:
    """The current version of this questionnaire: the existing one when the content is the
    same, otherwise a new version that becomes current."""
    template_check(data)
    current = FeedbackTemplate.objects.filter(code=data["code"], is_current=True).first()
    content = {
        "name_bg": data["name_bg"],
        "name_en": data.get("name_en", ""),
        "questions": data["questions"],
    }
    if (
        current is not None
        and {
            "name_bg": current.name_bg,
            "name_en": current.name_en,
            "questions": current.questions,
        }
        == content
    ):
        return current
    latest = FeedbackTemplate.objects.filter(code=data["code"]).order_by("-version").first()
    FeedbackTemplate.objects.filter(code=data["code"]).update(is_current=False)
    return FeedbackTemplate.objects.create(
        code=data["code"], version=(latest.version + 1) if latest else 1, is_current=True, **content
    )


def install_shipped_templates() -> list[FeedbackTemplate]:
    return [
        template_install(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(SHIPPED.glob("*.json"))
    ]


def current_template(code: str = "module-feedback") -> FeedbackTemplate | None:
    return FeedbackTemplate.objects.filter(code=code, is_current=True).first()
