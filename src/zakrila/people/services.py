"""Changes to people, households, consents and disclosures. Each is one transaction with its
audit events; views and the API call these, never ``save()`` themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, create_audited, snapshot
from zakrila.core.concurrency import lock_for_edit
from zakrila.people.models import (
    Consent,
    Disclosure,
    DuplicateDismissal,
    Household,
    HouseholdMember,
    LegalBasis,
    Person,
    PersonAlias,
)
from zakrila.people.name_index import index_person

PERSON_AUDIT_FIELDS = [name if name != "unit" else "unit_id" for name in Person.EDITABLE_FIELDS]


def _person_values(person: Person) -> dict[str, Any]:
    return snapshot(person, PERSON_AUDIT_FIELDS)


@transaction.atomic
def person_create(*, actor: User, organisation_id: int, data: dict[str, Any]) -> Person:
    """Register a person. The caller has shown likely duplicates and the user confirmed."""
    person = Person(organisation_id=organisation_id, created_by=actor, updated_by=actor)
    for name, value in data.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    index_person(person)
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=person,
        person_id=person.pk,
        changes=changes_between({}, _person_values(person), sensitive=Person.SENSITIVE_FIELDS),
    )
    return person


@transaction.atomic
def person_update(
    *, actor: User, person: Person, data: dict[str, Any], expected_version: int
) -> Person:
    """Change a person's record; refused when someone saved it after the form was opened."""
    current = lock_for_edit(Person, person.pk, expected_version=expected_version)
    before = _person_values(current)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean()
    changes = changes_between(before, _person_values(current), sensitive=Person.SENSITIVE_FIELDS)
    if not changes:
        return current
    current.version += 1
    current.updated_by = actor
    current.save()
    index_person(current)
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=current.pk,
        changes=changes,
        details={"version": current.version},
    )
    return current


# --- Merge ---------------------------------------------------------------------------------------


@transaction.atomic
def person_merge(*, actor: User, keep: Person, merge: Person) -> Person:
    """Make two records of one person into one.

    Every record linked to ``merge`` (household memberships, consents, disclosures, and whatever
    later apps link to a person) moves to ``keep``; ``merge``'s names become aliases that search
    still finds; ``merge`` stays as a row pointing to ``keep``, so its history is kept.
    """
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    merge = Person.objects.select_for_update().get(pk=merge.pk)
    if keep.pk == merge.pk:
        raise ValidationError(_("A record cannot be merged with itself."), code="same")
    if keep.organisation_id != merge.organisation_id:
        raise ValidationError(
            _("Records of different organisations are never merged."), code="cross_org"
        )
    if merge.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("One of these records was already merged."), code="already_merged")
    moved = _move_links(merge, keep)
    if merge.full_name:
        PersonAlias.objects.create(
            organisation_id=keep.organisation_id,
            person=keep,
            first_name=merge.first_name,
            middle_name=merge.middle_name,
            last_name=merge.last_name,
            source=_("merged record #%(id)s") % {"id": merge.pk},
            created_by=actor,
        )
    before = _person_values(keep)
    # The kept record takes what only the duplicate knew.
    for name in (
        "personal_number",
        "birth_date",
        "phone",
        "address",
        "settlement",
        "municipality",
        "middle_name",
    ):
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
            if name == "personal_number":
                merge.personal_number = ""
    for name in Person.SENSITIVE_FIELDS:
        theirs = getattr(merge, name)
        if theirs and theirs not in getattr(keep, name):
            setattr(keep, name, "\n\n".join(filter(None, [getattr(keep, name), theirs])))
    merge.merged_into = keep
    merge.version += 1
    merge.save()
    keep.version += 1
    keep.updated_by = actor
    keep.refresh_derived()
    keep.full_clean()
    keep.save()
    # Search finds the kept record by both names, and the merged one no more.
    index_person(merge)
    index_person(keep)
    changes = changes_between(before, _person_values(keep), sensitive=Person.SENSITIVE_FIELDS)
    for person, other in ((keep, merge), (merge, keep)):
        audit_record(
            action=AuditAction.MERGE,
            actor=actor,
            obj=person,
            person_id=person.pk,
            changes=changes if person is keep else {},
            details={
                "kept": keep.pk,
                "merged": merge.pk,
                "moved": moved,
                "version": person.version,
                "other": other.pk,
            },
        )
    return keep


@transaction.atomic
def person_alias_add(
    *, actor: User, person: Person, first_name: str = "", middle_name: str = "",
    last_name: str = "", source: str = "",
) -> PersonAlias:  # fmt: skip
    """Record another name of a person (a former surname, another spelling): search finds
    them by it from now on."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id or person.anonymised_at:
        raise ValidationError(
            _("This record was merged or anonymised: add the name to the record in use."),
            code="not_in_use",
        )
    alias = PersonAlias(
        organisation_id=person.organisation_id, person=person, first_name=first_name.strip(),
        middle_name=middle_name.strip(), last_name=last_name.strip(), source=source.strip(),
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    if not alias.full_name:
        raise ValidationError(_("Write the other name."), code="empty")
    alias.full_clean()
    alias.save()
    person.refresh_derived()
    person.save(update_fields=["search_key"])
    index_person(person)
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        obj=alias,
        person_id=person.pk,
        changes={"name": {"old": None, "new": alias.full_name}},
    )
    return alias


def _move_links(source: Person, target: Person) -> dict[str, int]:
    """Re-point every foreign key to ``source`` at ``target`` (any app's), avoiding duplicates
    where a link must be unique (e.g. one membership per household)."""
    moved: dict[str, int] = {}
    for relation in Person._meta.related_objects:
        if not isinstance(relation, models.ManyToOneRel) or relation.related_model is Person:
            continue
        model = cast(type[models.Model], relation.related_model)
        field = relation.field.name
        rows = model._default_manager.filter(**{field: source})
        if model is HouseholdMember:
            clashing = HouseholdMember.objects.filter(person=target).values_list(
                "household_id", flat=True
            )
            rows.filter(household_id__in=list(clashing)).delete()
        count = rows.update(**{field: target})
        if count:
            moved[model._meta.label_lower] = moved.get(model._meta.label_lower, 0) + count
    return moved


@transaction.atomic
def duplicate_dismiss(*, actor: User, first: Person, second: Person) -> DuplicateDismissal:
    """A worker checked a flagged pair: two different people. The queue stops showing it."""
    one, other = sorted((first, second), key=lambda person: person.pk)
    if one.organisation_id != other.organisation_id:
        raise ValidationError(
            _("Records of different organisations are never merged."), code="cross_org"
        )
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        organisation_id=one.organisation_id, first=one, second=other, defaults={"created_by": actor}
    )
    for person in (one, other):
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=person,
            person_id=person.pk,
            details={"not_a_duplicate_of": (other if person is one else one).pk},
        )
    return dismissal


# --- Erasure and retention -------------------------------------------------------------------


def legal_holds(person: Person) -> list[str]:
    """Why this person's data must be kept now (an open case, a placement, a court matter)."""
    reasons = []
    if person.legal_hold_reason:
        reasons.append(_("A court matter: %(reason)s") % {"reason": person.legal_hold_reason})
    from zakrila.people.holds import registered_holds

    for check in registered_holds():
        reasons.extend(check(person))
    return reasons


ANONYMISED_FIELDS = (
    "first_name", "middle_name", "last_name", "description", "personal_number", "address",
    "phone", "health_notes", "disability_notes", "languages", "legal_hold_reason",
)  # fmt: skip


@transaction.atomic
def person_anonymise(*, actor: User | None, person: Person, reason: str) -> Person:
    """Erase a person's identity, keeping only what statistics need (age band, sex,
    municipality): the right to erasure, and the retention rule. Refused under a legal hold."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    holds = legal_holds(person)
    if holds:
        raise ValidationError(
            _("This person's data cannot be erased now: %(reasons)s")
            % {"reasons": "; ".join(holds)},
            code="legal_hold",
        )
    if person.anonymised_at:
        return person
    if person.birth_date:
        # Keep the year only: enough for the age band of the reports.
        person.birth_date = dt.date(person.birth_date.year, 7, 1)
        person.birth_date_precision = "estimated"
    for name in ANONYMISED_FIELDS:
        setattr(person, name, "")
    person.description = str(_("anonymised"))
    person.anonymised_at = timezone.now()
    person.version += 1
    person.aliases.all().delete()
    person.save()
    # The erased names leave the search index too (and a word nobody else carries with them).
    index_person(person)
    audit_record(
        action=AuditAction.DELETE,
        actor=actor,
        obj=person,
        person_id=person.pk,
        details={"anonymised": True, "reason": reason},
        actor_label="" if actor else "retention",
    )
    return person


# --- Households, consent, disclosure ---------------------------------------------------------


@transaction.atomic
def household_create(
    *, actor: User, child: Person, name: str, settlement: str = "", address: str = ""
) -> Household:
    household = Household(
        organisation_id=child.organisation_id, child=child, name=name,
        settlement=settlement, address=address, created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        household, actor=actor, person_id=child.pk, changes={"name": {"old": None, "new": name}}
    )
    return household


@transaction.atomic
def household_member_add(
    *, actor: User, household: Household, person: Person, relationship: str,
    is_legal_representative: bool = False, lives_with_child: bool = True, starts_on: dt.date | None = None,
) -> HouseholdMember:  # fmt: skip
    if person.organisation_id != household.organisation_id:
        raise ValidationError(
            _("The person must belong to the same organisation."), code="cross_org"
        )
    member = HouseholdMember(
        organisation_id=household.organisation_id, household=household, person=person,
        relationship=relationship, is_legal_representative=is_legal_representative,
        lives_with_child=lives_with_child, starts_on=starts_on, created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        member,
        actor=actor,
        person_id=household.child_id,
        changes={
            "person": {"old": None, "new": person.pk},
            "relationship": {"old": None, "new": relationship},
        },
    )
    return member


@transaction.atomic
def consent_record(
    *, actor: User, person: Person, given_by: Person, purpose: str, given_on: dt.date,
    legal_basis: str = LegalBasis.CONSENT, notes: str = "",
) -> Consent:  # fmt: skip
    if given_by.organisation_id != person.organisation_id:
        raise ValidationError(
            _("The person must belong to the same organisation."), code="cross_org"
        )
    consent = Consent(
        organisation_id=person.organisation_id, person=person, given_by=given_by, purpose=purpose,
        given_on=given_on, legal_basis=legal_basis, notes=notes, created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        consent,
        actor=actor,
        person_id=person.pk,
        changes={"purpose": {"old": None, "new": purpose}},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: dt.date) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    consent.withdrawn_on = withdrawn_on
    consent.version += 1
    consent.full_clean()
    consent.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=consent, person_id=consent.person_id,
        changes={"withdrawn_on": {"old": None, "new": withdrawn_on.isoformat()}}, details={"version": consent.version},
    )  # fmt: skip
    return consent


@transaction.atomic
def disclosure_record(
    *, actor: User, person: Person, recipient: str, what: str, legal_basis: str,
    consent: Consent | None = None, disclosed_on: dt.date | None = None,
) -> Disclosure:  # fmt: skip
    """Record what was given to another organisation. A disclosure on consent needs a consent
    of this person that is in force on that day; any other basis must be named."""
    disclosed_on = disclosed_on or timezone.localdate()
    if legal_basis not in LegalBasis.values:
        raise ValidationError(_("Choose the legal basis of the disclosure."), code="no_basis")
    consent_in_force = (
        consent is not None
        and consent.person_id == person.pk
        and consent.is_active_on(disclosed_on)
    )
    if legal_basis == LegalBasis.CONSENT and not consent_in_force:
        raise ValidationError(
            _(
                "A disclosure on consent needs this person's consent, given and not withdrawn on that day. Record the consent first, or choose the legal basis."
            ),
            code="no_consent",
        )
    disclosure = Disclosure(
        organisation_id=person.organisation_id, person=person, recipient=recipient, what=what,
        legal_basis=legal_basis, consent=consent, disclosed_on=disclosed_on, created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        disclosure,
        actor=actor,
        action=AuditAction.EXPORT,
        person_id=person.pk,
        details={"recipient": recipient, "legal_basis": legal_basis},
    )
    return disclosure
