"""The SOS line: logging a call, counting a call that was not a consultation, a callback, and
a referral into casework made from a call in one step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, create_audited
from zakrila.cases.models import Referral, ReferralSource
from zakrila.cases.services import referral_register, task_create
from zakrila.organisations.models import Unit
from zakrila.people.models import BirthDatePrecision, IdentificationStatus
from zakrila.people.services import person_create
from zakrila.programmes.call_categories import is_known
from zakrila.programmes.models import (
    Call,
    CallCounter,
    CallerKind,
    NonContact,
    OnwardReferral,
)


def _next_call_number(organisation_id: int, day: dt.date) -> str:
    counter, _created = CallCounter.objects.get_or_create(organisation_id=organisation_id, day=day)
    counter = CallCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{day:%Y%m%d}-{counter.last:04d}"


@transaction.atomic
def call_log(
    *,
    actor: User,
    unit: Unit,
    started_at: dt.datetime,
    category: str,
    subcategory: str = "",
    duration_minutes: int = 10,
    channel: str = "phone",
    anonymous: bool = True,
    caller_name: str = "",
    caller_phone: str = "",
    caller_kind: str = CallerKind.PARENT,
    repeat_caller: bool = False,
    advice: str = "",
    referred_to: str = OnwardReferral.NONE,
    callback_on: dt.date | None = None,
) -> Call:
    """Log a consultation on the line. An anonymous call keeps no name or number: what was
    typed in them is refused rather than dropped silently. A callback asked for becomes a task
    of the person who took the call."""
    if not is_known(category, subcategory):
        raise ValidationError({"concern": _("Choose the concern from the list.")}, code="unknown")
    if anonymous and (caller_name.strip() or caller_phone.strip()):
        raise ValidationError(
            {
                "anonymous": _(
                    "The call is marked anonymous: clear the caller's name and phone, or untick "
                    "“anonymous”."
                )
            },
            code="anonymous_with_name",
        )
    local = timezone.localtime(started_at) if timezone.is_aware(started_at) else started_at
    call = Call(
        organisation_id=unit.organisation_id, unit=unit, started_at=started_at,
        duration_minutes=duration_minutes, channel=channel, anonymous=anonymous,
        caller_name=caller_name.strip(), caller_phone=caller_phone.strip(),
        caller_kind=caller_kind, category=category, subcategory=subcategory,
        repeat_caller=repeat_caller, advice=advice, referred_to=referred_to, taken_by=actor,
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    call.number = _next_call_number(unit.organisation_id, local.date())
    call.full_clean()
    call.save()
    if callback_on is not None:
        call.callback_task = task_create(
            actor=actor,
            case=None,
            organisation_id=unit.organisation_id,
            title=_("Call back: %(number)s") % {"number": call.number},
            assignee=actor,
            due_on=callback_on,
        )
        call.save(update_fields=["callback_task"])
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=call,
        # The caller's name and number never enter the trail: only that they were given.
        changes={
            "number": {"old": None, "new": call.number},
            "category": {"old": None, "new": category},
            "referred_to": {"old": None, "new": referred_to},
        },
        details={"anonymous": anonymous, "callback": callback_on is not None},
    )
    return call


@transaction.atomic
def non_contact_count(
    *, actor: User, unit: Unit, kind: str, occurred_at: dt.datetime | None = None
) -> NonContact:
    """Count a call that was not a consultation (silence, a wrong number, a joke)."""
    record = NonContact(
        organisation_id=unit.organisation_id, unit=unit, kind=kind,
        occurred_at=occurred_at or timezone.now(), created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(record, actor=actor, details={"kind": kind})
    return record


@transaction.atomic
def call_referral_create(
    *,
    actor: User,
    call: Call,
    unit: Unit,
    reason: str,
    child: dict[str, Any],
) -> Referral:
    """The caller agreed and gave details: a referral into casework in one step, with the child
    registered (a name, or a description when the caller gave none). The call itself stays as
    anonymous as it was; the referral waits for the unit's decision as any other."""
    current = Call.objects.select_for_update().get(pk=call.pk)
    if current.referral_id is not None:
        raise ValidationError(
            _("A referral was already made from this call."), code="already_referred"
        )
    if unit.organisation_id != current.organisation_id:
        raise ValidationError(
            {"unit": _("The unit must belong to the same organisation.")}, code="cross_org"
        )
    first_name = (child.get("first_name") or "").strip()
    last_name = (child.get("last_name") or "").strip()
    description = (child.get("description") or "").strip()
    if not (first_name or last_name or description):
        raise ValidationError(
            {"first_name": _("Write the child's name, or a short description.")}, code="no_child"
        )
    data: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "description": description,
        "settlement": (child.get("settlement") or "").strip(),
        "unit": unit,
        "identification_status": (
            IdentificationStatus.PARTIAL
            if (first_name or last_name)
            else IdentificationStatus.ANONYMOUS
        ),
    }
    if child.get("age") is not None:
        today = timezone.localdate()
        data["birth_date"] = dt.date(today.year - int(child["age"]), 7, 1)
        data["birth_date_precision"] = BirthDatePrecision.ESTIMATED
    person = person_create(actor=actor, organisation_id=unit.organisation_id, data=data)
    source = (
        ReferralSource.FAMILY
        if current.caller_kind in (CallerKind.PARENT, CallerKind.CHILD, CallerKind.RELATIVE)
        else ReferralSource.OTHER
    )
    referral = referral_register(
        actor=actor,
        unit=unit,
        person=person,
        source=source,
        reason=reason,
        received_on=timezone.localdate(),
        document_number=current.number,
    )
    current.referral = referral
    if not current.referred_to:
        current.referred_to = OnwardReferral.COMMUNITY_SUPPORT
    current.version += 1
    current.updated_by = actor
    current.save(update_fields=["referral", "referred_to", "version", "updated_by", "updated_at"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        changes={"referral": {"old": None, "new": referral.pk}},
        details={"version": current.version},
    )
    return referral
