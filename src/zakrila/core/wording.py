"""Words that depend on a number or on a person: Bulgarian has two plural forms ("1 месец",
"3 месеца") and past participles agree with the sex ("регистриран", "регистрирана").

Small and pure, used by the template filters in ``core/templatetags/zakrila.py`` and by code
that writes sentences. (Sex is passed as the plain value of ``people.Sex``: "male", "female".)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, ngettext

# Below this many months an age is told in months: a baby of 18 months is not "1 year".
MONTHS_UNTIL = 24


def age_parts(birth_date: dt.date, on: dt.date) -> tuple[int, int, int]:
    """Whole years, whole months and days lived on ``on`` (never negative)."""
    if on <= birth_date:
        return 0, 0, 0
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    if on.day < birth_date.day:
        months -= 1
    days = (on - birth_date).days
    return months // 12, months, days


def age_text(
    birth_date: dt.date | None, on: dt.date | None = None, *, estimated: bool = False
) -> str:
    """ "3 месеца", "1 месец", "12 дни" for a newborn, "19 години" — never "19.0".

    An estimated birth date (an approximate age given at a night admission) says "about".
    """
    if birth_date is None:
        return ""
    years, months, days = age_parts(birth_date, on or timezone.localdate())
    if months < 1:
        text = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    elif months < MONTHS_UNTIL:
        text = ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    else:
        text = ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return gettext("about %(age)s") % {"age": text} if estimated else text


def person_age(person: Any, on: dt.date | None = None) -> str:
    """The age of a person (or a row with ``birth_date`` and ``birth_date_precision``)."""
    if isinstance(person, dict):
        birth, precision = person.get("birth_date"), person.get("birth_date_precision")
    else:
        birth = getattr(person, "birth_date", None)
        precision = getattr(person, "birth_date_precision", None)
    return age_text(birth, on, estimated=precision == "estimated")


def by_sex(sex: str | None, *, male: str, female: str, other: str) -> str:
    """The sentence whose words agree with the person's sex: callers pass the three forms,
    translated with the contexts "male" and "female" (``pgettext("female", "%(name)s is
    registered.")`` → "… е регистрирана.") and, for a sex not known, the form without a context
    ("… е регистриран(а).")."""
    if sex == "male":
        return male
    if sex == "female":
        return female
    return other


def file_size_text(size: int | None) -> str:
    """A file's size in the units of the page's language ("12,3 КБ" in Bulgarian, with a
    Cyrillic К: Django's own filter gives "KБ"), a decimal comma where the language has one."""
    if size is None:
        return ""
    if size < 1024:
        return ngettext("%(count)d byte", "%(count)d bytes", size) % {"count": size}
    units = (
        gettext("%(size)s KB"),
        gettext("%(size)s MB"),
        gettext("%(size)s GB"),
    )
    value = size / 1024
    for unit in units[:-1]:
        if value < 1024:
            return unit % {"size": _number(value)}
        value /= 1024
    return units[-1] % {"size": _number(value)}


def _number(value: float) -> str:
    from django.utils.formats import number_format

    return number_format(round(value, 1), decimal_pos=1 if value < 100 else 0)
