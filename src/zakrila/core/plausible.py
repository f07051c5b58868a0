"""Dates that cannot be right: refused where the record is checked (``Model.clean``, called by
every service through ``full_clean``), so a form, an import and the offline outbox all get the
same plain refusal — a birth in 1800 or next year, a death before the birth, a visit in 2030.

Each model says which of its dates must not lie in the future or before a floor; this module
holds the floors and the wording, so the refusals read the same everywhere.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Nobody alive, and no child's relative on record, was born before this.
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# No record of social work kept here is older than this; an earlier year is a typing slip
# (1026 for 2026). Bulgaria's Child Protection Act is from 2000; files go back a decade before.
EARLIEST_RECORD = dt.date(1990, 1, 1)
# Clocks of phones and tablets drift: "now" on the device may be a few minutes ahead of ours.
CLOCK_SLACK = dt.timedelta(minutes=10)


class DateChecks:
    """Collects the refusals of one record, field by field, and raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def refuse(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def not_in_future(self, field: str, value: dt.date | dt.datetime | None, what: str) -> None:
        """``what`` names the date in a sentence: "The birth date"."""
        if value is None:
            return
        if isinstance(value, dt.datetime):
            if value > timezone.now() + CLOCK_SLACK:
                self.refuse(
                    field,
                    _("%(what)s (%(value)s) is in the future.")
                    % {
                        "what": what,
                        "value": date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT"),
                    },
                )
        elif value > timezone.localdate():
            self.refuse(
                field,
                _("%(what)s (%(value)s) is in the future.")
                % {"what": what, "value": date_format(value, "SHORT_DATE_FORMAT")},
            )

    def not_before(
        self,
        field: str,
        value: dt.date | dt.datetime | None,
        earliest: dt.date,
        what: str,
    ) -> None:
        if value is None:
            return
        day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
        if day < earliest:
            self.refuse(
                field,
                _("%(what)s (%(value)s) is before %(earliest)s: check the year.")
                % {
                    "what": what,
                    "earliest": date_format(earliest, "SHORT_DATE_FORMAT"),
                    "value": date_format(day, "SHORT_DATE_FORMAT"),
                },
            )

    def in_order(
        self,
        earlier: dt.date | None,
        later: dt.date | None,
        field: str,
        message: str,
    ) -> None:
        """``later`` (on ``field``) must not be before ``earlier``."""
        if earlier is not None and later is not None and later < earlier:
            self.refuse(field, message)

    def raise_any(self, existing: dict[str, list[str]] | None = None) -> None:
        errors = dict(existing or {})
        for field, messages in self.errors.items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
