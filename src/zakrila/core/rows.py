"""Helpers for the lists written out in one pass (the case list, the visit lists, the case
timeline): a date written once per list however many rows carry it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from html import escape

from django.utils.formats import date_format


def short_dates() -> Callable[[dt.date], str]:
    """A writer of dates in the short format of the active language (дд.мм.гггг), escaped,
    each date formatted once. Make one per list: the language can differ between requests."""

    @cache
    def day(value: dt.date) -> str:
        return escape(date_format(value, "SHORT_DATE_FORMAT"))

    return day
