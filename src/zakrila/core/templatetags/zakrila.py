"""Template tags of our own."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from zakrila.core.submissions import FIELD, new_key

register = template.Library()


@register.simple_tag
def submission_key() -> str:
    """The one-time key of a create form: sent twice, the form still creates one record."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
