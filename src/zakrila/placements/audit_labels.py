"""How the audit pages name placements, boards and monthly figures (``audit.describe``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zakrila.accounts.policy import placements_visible_to, residential_units_visible_to
from zakrila.audit.describe import RecordKind, names_from, register_record_kind

register_record_kind(
    "placements.placement",
    RecordKind(
        many=gettext_lazy("the placements"),
        name=names_from(
            lambda viewer: placements_visible_to(viewer).select_related("person", "unit"),
            lambda stay: (
                _("the stay of %(name)s in %(unit)s")
                % {"name": stay.person, "unit": stay.unit.name}
            ),
            lambda stay: stay.get_absolute_url(),
        ),
    ),
)
register_record_kind(
    "placements.board",
    RecordKind(
        many=gettext_lazy("the boards of the residential units"),
        name=names_from(
            residential_units_visible_to,
            lambda unit: _("the board of %(unit)s") % {"unit": unit.name},
            lambda unit: reverse("placements:board", args=[unit.pk]),
        ),
    ),
)
register_record_kind(
    "placements.figures",
    RecordKind(
        many=gettext_lazy("the monthly figures"),
        name=names_from(
            residential_units_visible_to,
            lambda unit: _("the monthly figures of %(unit)s") % {"unit": unit.name},
            lambda unit: reverse("placements:figures", args=[unit.pk]),
        ),
    ),
)
