"""Bulgarian personal numbers: ЕГН (citizens) and ЛНЧ (foreigners).

python-stdnum does the arithmetic (check digits, the month encoding of the century); here we add
what it leaves out — a birth date in the future is refused — and say every error in words a
social worker understands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from stdnum.bg import egn, pnf
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError

Kind = Literal["egn", "lnch"]
Sex = Literal["female", "male"]


@dataclass(frozen=True)
class PersonalNumber:
    """A checked ЕГН or ЛНЧ. An ЕГН carries the birth date and sex; an ЛНЧ carries neither."""

    kind: Kind
    number: str
    birth_date: dt.date | None
    sex: Sex | None


def _compact(value: str) -> str:
    return "".join(str(value).split())


def parse_personal_number(value: str) -> PersonalNumber:
    """Check an ЕГН or ЛНЧ and read what it says.

    Raises ``ValidationError`` with a Bulgarian message for a wrong length, non-digits, a wrong
    check digit, an impossible date or a birth date in the future.
    """
    number = _compact(value)
    if not number:
        raise ValidationError(_("Write the ЕГН or ЛНЧ."), code="required")
    if not number.isdigit():
        raise ValidationError(_("An ЕГН or ЛНЧ has only digits."), code="not_digits")
    if len(number) != 10:
        raise ValidationError(
            _("An ЕГН or ЛНЧ has 10 digits; this one has %(count)d.") % {"count": len(number)},
            code="length",
        )
    try:
        egn.validate(number)
    except InvalidChecksum:
        if pnf.is_valid(number):
            return PersonalNumber("lnch", number, None, None)
        raise ValidationError(
            _("The check digit (the last one) does not match: a digit was probably mistyped."),
            code="checksum",
        ) from None
    except InvalidComponent:
        if pnf.is_valid(number):
            return PersonalNumber("lnch", number, None, None)
        raise ValidationError(
            _("The first six digits of an ЕГН are the birth date, and this date does not exist."),
            code="impossible_date",
        ) from None
    except StdnumError:  # pragma: no cover - length and digits are checked above
        raise ValidationError(_("This is not a valid ЕГН or ЛНЧ."), code="invalid") from None
    birth_date = egn.get_birth_date(number)
    if birth_date > timezone.localdate():
        raise ValidationError(
            _("This ЕГН gives a birth date in the future (%(date)s).")
            % {"date": date_format(birth_date, "SHORT_DATE_FORMAT")},
            code="future_date",
        )
    sex: Sex = "male" if int(number[8]) % 2 == 0 else "female"
    return PersonalNumber("egn", number, birth_date, sex)


def birth_sex_conflicts(
    number: PersonalNumber, *, birth_date: dt.date | None, sex: str | None
) -> dict[str, str]:
    """Which entered fields disagree with an ЕГН, each with a message naming what the ЕГН says."""
    conflicts: dict[str, str] = {}
    if number.kind != "egn":
        return conflicts
    if birth_date is not None and number.birth_date is not None and birth_date != number.birth_date:
        conflicts["birth_date"] = _(
            "The ЕГН gives the birth date %(date)s, but %(entered)s was entered."
        ) % {
            "date": date_format(number.birth_date, "SHORT_DATE_FORMAT"),
            "entered": date_format(birth_date, "SHORT_DATE_FORMAT"),
        }
    if sex in ("female", "male") and number.sex is not None and sex != number.sex:
        conflicts["sex"] = (
            _("The ЕГН is of a woman or girl, but the sex entered is male.")
            if number.sex == "female"
            else _("The ЕГН is of a man or boy, but the sex entered is female.")
        )
    return conflicts


def generate_egn(birth_date: dt.date, sex: Sex, serial: int = 0) -> str:
    """A valid ЕГН for a birth date and sex (for demo and test data): ``serial`` picks one of the
    numbers a region could give that day."""
    month = birth_date.month
    if birth_date.year < 1900:
        month += 20
    elif birth_date.year >= 2000:
        month += 40
    # The ninth digit is even for men and odd for women; digits 7-9 are the region and order.
    order = (serial % 500) * 2 + (1 if sex == "female" else 0)
    stem = f"{birth_date.year % 100:02d}{month:02d}{birth_date.day:02d}{order:03d}"
    return stem + egn.calc_check_digit(stem)
