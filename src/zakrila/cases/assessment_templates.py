"""Loading assessment templates from data: the three shipped with Zakrila, and any an
organisation adds (``zakrila templates import FILE``) — no code needed.

Importing a template whose code exists makes a new version when the content differs; the old
version stays, with the assessments answered against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zakrila.cases.models import AnswerType, AssessmentTemplate, TemplateQuestion, TemplateSection

SHIPPED = Path(__file__).parent / "template_data"
CHOICE_TYPES = {AnswerType.SINGLE, AnswerType.MULTIPLE}


def _problem(message: str) -> ValidationError:
    return ValidationError(message, code="bad_template")


def template_check(data: Any) -> None:
    """Refuse a template file that would not make a usable form, naming what is wrong."""
    if not isinstance(data, dict):
        raise _problem(_("A template is a JSON object with a code, names and sections."))
    for field in ("code", "name_bg", "sections"):
        if not data.get(field):
            raise _problem(_("The template has no “%(field)s”.") % {"field": field})
    keys: set[str] = set()
    for section_number, section in enumerate(data["sections"], start=1):
        if not section.get("title_bg") or not section.get("questions"):
            raise _problem(
                _("Section %(n)s needs a Bulgarian title and questions.") % {"n": section_number}
            )
        for question in section["questions"]:
            key = question.get("key", "")
            if not key or key in keys:
                raise _problem(
                    _("Every question needs its own key; “%(key)s” is missing or repeated.")
                    % {"key": key}
                )
            keys.add(key)
            if not question.get("text_bg"):
                raise _problem(_("Question “%(key)s” has no Bulgarian text.") % {"key": key})
            if question.get("type") not in AnswerType.values:
                raise _problem(_("Question “%(key)s” has an unknown answer type.") % {"key": key})
            if question["type"] in CHOICE_TYPES and not question.get("choices"):
                raise _problem(_("Question “%(key)s” needs choices.") % {"key": key})
            if question["type"] == AnswerType.SCALE and question.get(
                "scale_min", 1
            ) >= question.get("scale_max", 5):
                raise _problem(_("The scale of question “%(key)s” must go up.") % {"key": key})


def _content(template: AssessmentTemplate) -> dict[str, Any]:
    """A template as data, to compare with a file."""
    return {
        "code": template.code,
        "name_bg": template.name_bg,
        "name_en": template.name_en,
        "description_bg": template.description_bg,
        "description_en": template.description_en,
        "sections": [
            {
                "title_bg": section.title_bg,
                "title_en": section.title_en,
                "questions": [
                    {
                        "key": q.key,
                        "text_bg": q.text_bg,
                        "text_en": q.text_en,
                        "help_bg": q.help_bg,
                        "help_en": q.help_en,
                        "type": q.answer_type,
                        "required": q.required,
                        "choices": q.choices,
                        "scale_min": q.scale_min,
                        "scale_max": q.scale_max,
                    }
                    for q in section.questions.all()
                ],
            }
            for section in template.sections.all()
        ],
    }


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": data["code"],
        "name_bg": data["name_bg"],
        "name_en": data.get("name_en", ""),
        "description_bg": data.get("description_bg", ""),
        "description_en": data.get("description_en", ""),
        "sections": [
            {
                "title_bg": s["title_bg"],
                "title_en": s.get("title_en", ""),
                "questions": [
                    {
                        "key": q["key"],
                        "text_bg": q["text_bg"],
                        "text_en": q.get("text_en", ""),
                        "help_bg": q.get("help_bg", ""),
                        "help_en": q.get("help_en", ""),
                        "type": q["type"],
                        "required": bool(q.get("required", False)),
                        "choices": q.get("choices", []),
                        "scale_min": q.get("scale_min", 1),
                        "scale_max": q.get("scale_max", 5),
                    }
                    for q in s["questions"]
                ],
            }
            for s in data["sections"]
        ],
    }


@transaction.atomic
def template_import(
    data: Any, *, organisation_id: int | None = None
) -> tuple[AssessmentTemplate, bool]:
    """Install a template; a new version when its content changed. Returns (template, created)."""
    template_check(data)
    wanted = _normalised(data)
    versions = AssessmentTemplate.objects.filter(code=wanted["code"])
    versions = (
        versions.filter(organisation__isnull=True)
        if organisation_id is None
        else versions.filter(organisation_id=organisation_id)
    )
    current = versions.filter(is_current=True).prefetch_related("sections__questions").first()
    if current is not None and _content(current) == wanted:
        return current, False
    latest = versions.order_by("-version").first()
    versions.update(is_current=False)
    template = AssessmentTemplate.objects.create(
        organisation_id=organisation_id, code=wanted["code"], version=(latest.version + 1) if latest else 1,
        name_bg=wanted["name_bg"], name_en=wanted["name_en"], description_bg=wanted["description_bg"],
        description_en=wanted["description_en"], is_current=True,
    )  # fmt: skip
    for section_order, section_data in enumerate(wanted["sections"]):
        section = TemplateSection.objects.create(
            template=template,
            order=section_order,
            title_bg=section_data["title_bg"],
            title_en=section_data["title_en"],
        )
        for order, q in enumerate(section_data["questions"]):
            TemplateQuestion.objects.create(
                section=section, order=order, key=q["key"], text_bg=q["text_bg"], text_en=q["text_en"],
                help_bg=q["help_bg"], help_en=q["help_en"], answer_type=q["type"], required=q["required"],
                choices=q["choices"], scale_min=q["scale_min"], scale_max=q["scale_max"],
            )  # fmt: skip
    return template, True


def install_shipped_templates(**_kwargs: Any) -> None:
    """Keep the shipped templates installed and current (after every migrate)."""
    for path in sorted(SHIPPED.glob("*.json")):
        template_import(json.loads(path.read_text(encoding="utf-8")))
