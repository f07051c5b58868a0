"""How the audit pages name organisations, units and contracts (``audit.describe``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zakrila.accounts.policy import (
    contracts_visible_to,
    organisations_visible_to,
    units_visible_to,
)
from zakrila.audit.describe import RecordKind, names_from, register_record_kind

register_record_kind(
    "organisations.organisation",
    RecordKind(
        many=gettext_lazy("the organisations"),
        name=names_from(
            organisations_visible_to,
            lambda organisation: _("the organisation %(name)s") % {"name": organisation},
            lambda organisation: organisation.get_absolute_url(),
        ),
    ),
)
register_record_kind(
    "organisations.unit",
    RecordKind(
        many=gettext_lazy("the units"),
        name=names_from(
            units_visible_to,
            lambda unit: _("the unit %(name)s") % {"name": unit.name},
            lambda unit: unit.get_absolute_url(),
        ),
    ),
)
register_record_kind(
    "organisations.contract",
    RecordKind(
        many=gettext_lazy("the contracts"),
        name=names_from(
            contracts_visible_to,
            lambda contract: _("the contract %(number)s") % {"number": contract.number},
            lambda contract: contract.get_absolute_url(),
        ),
    ),
)
