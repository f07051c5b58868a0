"""Dates as people enter them: the browser's own date picker, and the ways Bulgarians write a date.

Every ``DateField`` and ``DateTimeField`` of every form of the project — model forms, plain forms,
filters, and the apps still to come — renders as a native picker (``type="date"`` and
``type="datetime-local"``) because :func:`use_date_pickers` makes these widgets Django's default
(called once from ``CoreConfig.ready``; a test walks every form class to keep it so). A picker
sends ISO dates (``2026-11-27``, ``2026-11-27T14:30``); a client without one, an import or the
offline outbox may send ``27.11.2026``, ``27.11.26`` or ``27/11/2026``: the formats modules
(``zakrila/formats/*/formats.py``) accept them all, and a date that is none of them is refused
with the expected form, дд.мм.гггг, in the message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"
ISO_DATE_TIME = "%Y-%m-%dT%H:%M"

INVALID_DATE = _("Enter the date as дд.мм.гггг, for example 27.11.2026.")
INVALID_DATE_TIME = _("Enter the date and time as дд.мм.гггг чч:мм, for example 27.11.2026 14:30.")


def _parse(text: str, format_names: tuple[str, ...]) -> dt.datetime | None:
    for name in format_names:
        for pattern in formats.get_format(name):
            try:
                return dt.datetime.strptime(text.strip(), pattern)  # noqa: DTZ007 (a wall-clock time)
            except ValueError:
                continue
    return None


class DatePickerInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO; what was typed in another accepted
    form (a form sent back with an error elsewhere) is shown again as the same date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and value:
            parsed = _parse(value, ("DATE_INPUT_FORMATS",))
            return parsed.strftime(ISO_DATE) if parsed else value
        return super().format_value(value)


class DateTimePickerInput(forms.DateTimeInput):
    """The browser's date-and-time picker (``datetime-local``, to the minute, local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE_TIME)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and value:
            parsed = _parse(value, ("DATETIME_INPUT_FORMATS", "DATE_INPUT_FORMATS"))
            return parsed.strftime(ISO_DATE_TIME) if parsed else value
        return super().format_value(value)


def use_date_pickers() -> None:
    """Make the pickers and the messages naming the expected form Django's defaults, so that no
    form of the project has to remember them. (The admin site keeps its own date widgets.)"""
    forms.DateField.widget = DatePickerInput
    forms.DateField.default_error_messages = {"invalid": INVALID_DATE}
    forms.DateTimeField.widget = DateTimePickerInput
    forms.DateTimeField.default_error_messages = {
        **forms.DateTimeField.default_error_messages,
        "invalid": INVALID_DATE_TIME,
    }
