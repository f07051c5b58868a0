"""Template tags of our own."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from zakrila.core.submissions import FIELD, new_key
from zakrila.core.wording import age_text, file_size_text, person_age

register = template.Library()


@register.simple_tag
def submission_key() -> str:
    """The one-time key of a create form: sent twice, the form still creates one record."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())


@register.simple_tag(takes_context=True)
def offline_config(context: template.Context, anonymous: bool = False) -> str:
    """The outbox's settings and words for ``outbox.js``, as a JSON data block (no inline
    script). ``anonymous``: for a page kept for everyone (the "no connection" page)."""
    from django.utils.html import json_script

    from zakrila.core.offline import config

    request = context.get("request")
    if request is None:
        return ""
    settings = config(request)
    if anonymous:
        settings["owner"] = ""
    return json_script(settings, "zakrila-offline")


@register.simple_tag
def filter_options(field: Any) -> SafeString:
    """The ``<option>``s of one filter of a list page (``field.options``: (value, label)
    pairs), the one in ``field.value`` selected; written in one pass, not node by node, each
    value escaped with the standard library's ``html.escape`` as Django's ``escape`` does."""
    chosen = field.value
    return mark_safe(  # noqa: S308  (every value escaped here)
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in field.options or ()
        )
    )


@register.filter
def age(person: Any) -> str:
    """``{{ person|age }}``: "3 месеца" for a baby, "12 години" otherwise, "около 12 години" for
    an estimated birth date; empty without one. Takes a person, a row of values or a date."""
    if isinstance(person, dt.date):
        return age_text(person)
    return person_age(person)


@register.filter
def filesize(size: int | None) -> str:
    """``{{ document.size|filesize }}``: "512 байта", "12,3 КБ", "4,1 МБ" (Cyrillic units)."""
    return file_size_text(size)


@register.simple_tag(takes_context=True)
def home_panel(context: template.Context, panel: Any) -> str:
    """One panel of the home page (``zakrila.core.home``): its template, with its own context
    on top of the page's."""
    assert context.template is not None  # noqa: S101  (always set while a template renders)
    panel_template = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return panel_template.render(context)


@register.filter
def may_open(record: Any, user: Any) -> bool:
    """``{% if case.person|may_open:request.user %}<a …>{% endif %}``: link a person or a
    household only when its page would open for this user (the access policy decides)."""
    from zakrila.accounts.policy import household_openable, person_openable

    if record is None:
        return False
    label = record._meta.label_lower
    if label == "people.person":
        return person_openable(user, record)
    if label == "people.household":
        return household_openable(user, record)
    raise ValueError(f"may_open does not know {label}")
