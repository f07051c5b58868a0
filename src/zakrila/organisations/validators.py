"""Identifiers of Bulgarian legal entities."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.bg import vat
from stdnum.exceptions import ValidationError as StdnumError


def normalise_eik(value: str) -> str:
    """Validate a ЕИК / BULSTAT and return it as digits only.

    A legal entity has 9 digits (python-stdnum checks the check digit); a branch has 13, whose
    first 9 are its parent's ЕИК and are checked the same way.
    """
    compact = vat.compact(value or "")
    if not compact.isdigit():
        raise ValidationError(_("The ЕИК must contain digits only."), code="eik_format")
    if len(compact) not in (9, 13):
        raise ValidationError(
            _("The ЕИК must have 9 digits (13 for a branch); this one has %(count)d.")
            % {"count": len(compact)},
            code="eik_length",
        )
    try:
        vat.validate(compact[:9])
    except StdnumError:
        raise ValidationError(
            _("This ЕИК is not valid: its check digit does not match. Check it for a typo."),
            code="eik_checksum",
        ) from None
    return compact


def validate_eik(value: str) -> None:
    normalise_eik(value)
