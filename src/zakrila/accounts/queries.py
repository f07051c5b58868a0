"""Reading accounts: who works in an organisation now, and in which role."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zakrila.accounts.models import Membership, Role, User


def home_organisation_id(user: User | None) -> int | None:
    """The organisation in whose audit trail the events of a user's account are written (a
    login, a changed membership): their first active membership's, else their first."""
    if user is None:
        return None
    return (
        Membership.objects.filter(user=user)
        .order_by("-is_active", "id")
        .values_list("organisation_id", flat=True)
        .first()
    )


def staff_of(organisation_id: int) -> QuerySet[User]:
    """The people who work in the organisation now (for key worker, team and contact staff)."""
    members = Membership.objects.current().filter(organisation_id=organisation_id).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("full_name", "email")


def require_staff(organisation_id: int, field: str, users: Iterable[User | None]) -> None:
    """Refuse, on the form's ``field``, a worker chosen for a record of the organisation (a key
    worker, a team member, the worker of an enrolment) who does not work in it now. The forms
    offer only the organisation's staff; this keeps a service called from elsewhere honest."""
    chosen = {user.pk for user in users if user is not None}
    if not chosen:
        return
    found = set(staff_of(organisation_id).filter(pk__in=chosen).values_list("pk", flat=True))
    if found != chosen:
        raise ValidationError(
            {field: _("Choose someone who works in this organisation now.")}, code="not_staff"
        )


def directors_of(organisation_id: int) -> list[User]:
    """The organisation's current directors (who approve closures, assessments and plans)."""
    memberships = (
        Membership.objects.current().filter(organisation_id=organisation_id).select_related("user")
    )
    return [m.user for m in memberships if Role.DIRECTOR in m.roles and m.user.is_active]


def staff_choices(organisation_id: int) -> list[tuple[int, str]]:
    """(id, name) of the organisation's staff, for the choices of a filter or a form."""
    return [
        (pk, full_name or email)
        for pk, full_name, email in staff_of(organisation_id).values_list(
            "pk", "full_name", "email"
        )
    ]
