"""What the giving services share: numbers that never repeat, and how dates and quantities read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.formats import date_format, number_format

from zakrila.organisations.models import Organisation


def next_number(model: type[models.Model], *, organisation_id: int, prefix: str, year: int) -> str:
    """The next number of this kind of record in the organisation and year, e.g. ПП-2026-0007.
    The organisation's row is locked for the rest of the transaction, so two writers never
    take the same number (and a unique constraint would refuse it if they did)."""
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    start = f"{prefix}-{year}-"
    numbers = model._default_manager.filter(
        organisation_id=organisation_id, number__startswith=start
    ).values_list("number", flat=True)
    last = max(
        (int(n.rsplit("-", 1)[1]) for n in numbers if n.rsplit("-", 1)[1].isdigit()), default=0
    )
    return f"{start}{last + 1:04d}"


def day_text(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def quantity_text(value: Decimal) -> str:
    """3 or 2,5 — no trailing zeros, Bulgarian decimal comma."""
    text = format(value.normalize(), "f")
    places = len(text.split(".")[1]) if "." in text else 0
    return number_format(value, decimal_pos=places)
