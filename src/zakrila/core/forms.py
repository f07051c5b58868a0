"""What every app's forms share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def apply_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the fields it names, or above the form; what was typed stays."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
