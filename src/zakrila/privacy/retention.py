"""Retention: personal data is kept as long as the work needs it, then anonymised.

Each kind of record has a period (``ZAKRILA_RETENTION_YEARS``, configurable per kind from the
environment). A rule names the people whose period has passed; ``retention_run`` anonymises
them in batches, each batch one transaction, every person in the audit trail, skipping (and
listing) anyone under a legal hold. Anonymised records keep their statistics (birth year, sex,
municipality, and the outcomes of their cases), so reports stay true. Apps add rules with
``register_rule`` (cases: years after closure). Records that are not people (the specialists
of a training cohort, who are not in the people registry) have their own rules,
``register_record_rule``: their app says how many records are due and anonymises them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.people.models import IdentificationStatus, Person
from zakrila.people.services import legal_holds, person_anonymise

BATCH_SIZE = 200


@dataclass(frozen=True)
class RetentionRule:
    """People whose data has been kept long enough under one kind of record."""

    kind: str
    description: str
    candidates: Callable[[dt.datetime], models.QuerySet[Person]]


def _untouched_since(kind: str, now: dt.datetime) -> dt.datetime:
    return now - relativedelta(years=settings.ZAKRILA_RETENTION_YEARS[kind])


def _kept(queryset: models.QuerySet[Person]) -> models.QuerySet[Person]:
    """Not yet anonymised or merged, and never in a case: people with a case follow the case's
    rule (years after its closure), which the cases app registers."""
    queryset = queryset.filter(anonymised_at__isnull=True, merged_into__isnull=True)
    if hasattr(Person, "cases"):
        queryset = queryset.filter(cases__isnull=True)
    return queryset


def _anonymous_contacts(now: dt.datetime) -> models.QuerySet[Person]:
    return _kept(Person.objects.filter(
        identification_status__in=[IdentificationStatus.ANONYMOUS, IdentificationStatus.PARTIAL],
        updated_at__lt=_untouched_since("anonymous_contact", now),
    ))  # fmt: skip


def _people(now: dt.datetime) -> models.QuerySet[Person]:
    return _kept(Person.objects.filter(updated_at__lt=_untouched_since("person", now)))


_rules: list[RetentionRule] = [
    RetentionRule("anonymous_contact", "anonymous or partly identified contacts, years after the last change", _anonymous_contacts),
    RetentionRule("person", "people with no change for the retention period", _people),
]  # fmt: skip


def register_rule(rule: RetentionRule) -> RetentionRule:
    if all(existing.kind != rule.kind for existing in _rules):
        _rules.append(rule)
    return rule


@dataclass(frozen=True)
class Candidate:
    person_id: int
    organisation_id: int
    kind: str
    last_change: dt.datetime
    holds: tuple[str, ...]


def retention_candidates(*, now: dt.datetime | None = None) -> Iterator[Candidate]:
    """Everyone whose retention period has passed, with the legal holds that keep them."""
    now = now or timezone.now()
    seen: set[int] = set()
    for rule in _rules:
        for person in rule.candidates(now).order_by("id").iterator(chunk_size=BATCH_SIZE):
            if person.pk in seen:
                continue
            seen.add(person.pk)
            yield Candidate(
                person.pk,
                person.organisation_id,
                rule.kind,
                person.updated_at,
                tuple(legal_holds(person)),
            )


@dataclass(frozen=True)
class RecordRetentionRule:
    """Records that are not people, kept by another app: ``due(now)`` counts what has been kept
    long enough, ``apply(now)`` anonymises it (in its own transactions, each record in the
    audit trail) and returns how many it anonymised."""

    kind: str
    description: str
    due: Callable[[dt.datetime], int]
    apply: Callable[[dt.datetime], int]


_record_rules: list[RecordRetentionRule] = []


def register_record_rule(rule: RecordRetentionRule) -> RecordRetentionRule:
    if all(existing.kind != rule.kind for existing in _record_rules):
        _record_rules.append(rule)
    return rule


def record_rules() -> list[RecordRetentionRule]:
    return list(_record_rules)


def anonymise_in_batches(
    queryset: models.QuerySet[Any],
    clear: Callable[[Any], dict[str, Any]],
    details: Callable[[Any], dict[str, Any]],
) -> int:
    """What a record rule's ``apply`` does with its records: in batches of one transaction
    each, every record locked, given the values ``clear(record)`` names (its version moved on)
    and written into its organisation's audit trail with ``details(record)``. Returns how many
    records were anonymised; ``queryset`` must no longer find a record once it is done."""
    done = 0
    while True:
        with transaction.atomic():
            batch = list(queryset.select_for_update(of=("self",)).order_by("id")[:BATCH_SIZE])
            for record in batch:
                type(record).objects.filter(pk=record.pk).update(
                    **clear(record), version=models.F("version") + 1
                )
                audit_record(
                    action=AuditAction.DELETE, obj=record, actor_label="retention",
                    details=details(record),
                )  # fmt: skip
        done += len(batch)
        if len(batch) < BATCH_SIZE:
            return done


@dataclass
class RetentionResult:
    anonymised: int = 0
    held: int = 0
    forgotten_submissions: int = 0
    expired_sessions: int = 0
    records: dict[str, int] = field(default_factory=dict)  # other records, by rule


def retention_run(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE
) -> RetentionResult:
    """Anonymise everyone whose period has passed, batch by batch; recorded in the trail."""
    result = RetentionResult()
    batch: list[Candidate] = []
    for candidate in retention_candidates(now=now):
        if candidate.holds:
            result.held += 1
            continue
        batch.append(candidate)
        if len(batch) >= batch_size:
            result.anonymised += _anonymise_batch(batch)
            batch = []
    if batch:
        result.anonymised += _anonymise_batch(batch)
    for rule in _record_rules:
        result.records[rule.kind] = rule.apply(now or timezone.now())
    from zakrila.accounts.sessions import sessions_forget
    from zakrila.core.submissions import submissions_forget

    result.forgotten_submissions = submissions_forget(now=now)
    result.expired_sessions = sessions_forget(now=now)
    return result


def _anonymise_batch(batch: list[Candidate]) -> int:
    by_organisation: dict[int, int] = {}
    with transaction.atomic():
        for candidate in batch:
            person = Person.objects.get(pk=candidate.person_id)
            # A hold may have appeared since the candidates were listed.
            if legal_holds(person):
                continue
            person_anonymise(actor=None, person=person, reason=f"retention: {candidate.kind}")
            by_organisation[candidate.organisation_id] = (
                by_organisation.get(candidate.organisation_id, 0) + 1
            )
        for organisation_id, count in by_organisation.items():
            audit_record(
                action=AuditAction.DELETE,
                organisation_id=organisation_id,
                object_type="privacy.retention",
                actor_label="retention",
                details={"retention_batch": count},
            )
    return sum(by_organisation.values())
