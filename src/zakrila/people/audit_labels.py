"""How the audit pages name people and households (``audit.describe``): by name, for those the
viewer may see, with a link to the file."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zakrila.accounts.policy import households_visible_to, people_visible_to
from zakrila.audit.describe import RecordKind, names_from, register_record_kind

register_record_kind(
    "people.person",
    RecordKind(
        many=gettext_lazy("the register of people"),
        name=names_from(
            lambda viewer: people_visible_to(viewer, include_merged=True),
            lambda person: _("the file of %(name)s") % {"name": person},
            lambda person: person.get_absolute_url(),
        ),
    ),
)
register_record_kind(
    "people.household",
    RecordKind(
        many=gettext_lazy("the households"),
        name=names_from(
            households_visible_to,
            lambda household: _("the household %(name)s") % {"name": household},
            lambda household: household.get_absolute_url(),
        ),
    ),
)
