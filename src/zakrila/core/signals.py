"""Cache invalidation only: when a unit, a programme, a membership, a user or a second-factor
device changes, the organisation's cached lists (``core.lookups``), the cached memberships
(``accounts.membership_cache``), the signed-in user's row (``accounts.backends``) and the device
that verified a session (``accounts.middleware``) are read afresh. No business logic lives
here."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from zakrila.core.lookups import organisation_changed


def _unit_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    organisation_changed(instance.organisation_id)


def _membership_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    organisation_changed(getattr(instance, "organisation_id", None))


def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    for organisation_id in instance.memberships.values_list("organisation_id", flat=True):
        organisation_changed(organisation_id)


def connect() -> None:
    from zakrila.accounts.backends import user_changed
    from zakrila.accounts.membership_cache import memberships_changed
    from zakrila.accounts.models import Membership, User
    from zakrila.organisations.models import Organisation, Programme, Unit

    # The cached memberships of every user (accounts.membership_cache).
    for signal in (post_save, post_delete):
        for model in (Membership, Unit, Organisation):
            signal.connect(
                memberships_changed,
                sender=model,
                dispatch_uid=f"zakrila-memberships-{model._meta.model_name}",
            )
    m2m_changed.connect(
        memberships_changed,
        sender=Membership.units.through,
        dispatch_uid="zakrila-memberships-units",
    )

    for signal in (post_save, post_delete):
        signal.connect(_unit_changed, sender=Unit, dispatch_uid="zakrila-lookups-unit")
        signal.connect(_unit_changed, sender=Programme, dispatch_uid="zakrila-lookups-programme")
        signal.connect(
            _membership_changed, sender=Membership, dispatch_uid="zakrila-lookups-membership"
        )
    post_save.connect(_user_changed, sender=User, dispatch_uid="zakrila-lookups-user")
    # The signed-in user's cached row (accounts.backends).
    for signal in (post_save, post_delete):
        signal.connect(user_changed, sender=User, dispatch_uid="zakrila-user-row")
    # The second-factor device that verified a session (accounts.middleware.CachedOTPMiddleware).
    from django_otp import device_classes

    from zakrila.accounts.middleware import device_changed

    for device_class in device_classes():
        for signal in (post_save, post_delete):
            signal.connect(
                device_changed,
                sender=device_class,
                dispatch_uid=f"zakrila-otp-{device_class._meta.label_lower}",
            )
    m2m_changed.connect(
        _membership_changed, sender=Membership.units.through, dispatch_uid="zakrila-lookups-units"
    )
