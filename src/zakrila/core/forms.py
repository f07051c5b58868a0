"""What every app's forms share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.utils.translation import gettext_lazy as _


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the fields it names, or above the form; what was typed stays.

    The outbox's answer learns of it too: a stale version is a conflict, not a plain refusal.
    """
    from zakrila.core.offline import note_refusal

    note_refusal(error)
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def check_period(form: BaseForm, data: dict[str, Any], start: str, end: str) -> None:
    """A period's end may not come before its start: said on the end's field."""
    since, until = data.get(start), data.get(end)
    if since and until and since > until:
        form.add_error(end, _("The end date is before the start date."))
