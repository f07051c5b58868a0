"""How the audit pages name accounts and memberships (``audit.describe``): by the person's name,
for people of the viewer's own organisations."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zakrila.accounts.models import Membership, User
from zakrila.accounts.policy import access_for
from zakrila.audit.describe import RecordKind, names_from, register_record_kind


def _colleagues(viewer: Any) -> QuerySet[User]:
    organisations = sorted(access_for(viewer).organisation_ids)
    return User.objects.filter(memberships__organisation_id__in=organisations).distinct()


def _memberships(viewer: Any) -> QuerySet[Membership]:
    organisations = sorted(access_for(viewer).organisation_ids)
    return Membership.objects.filter(organisation_id__in=organisations).select_related("user")


register_record_kind(
    "accounts.user",
    RecordKind(
        many=gettext_lazy("the accounts"),
        name=names_from(
            _colleagues, lambda user: _("the account of %(name)s") % {"name": user.full_name}
        ),
    ),
)
register_record_kind(
    "accounts.membership",
    RecordKind(
        many=gettext_lazy("the memberships"),
        name=names_from(
            _memberships,
            lambda membership: (
                _("the membership of %(name)s") % {"name": membership.user.full_name}
            ),
        ),
    ),
)
register_record_kind("accounts.usersession", RecordKind(many=gettext_lazy("the sessions")))
