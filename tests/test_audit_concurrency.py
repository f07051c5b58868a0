"""The audit trail under concurrency, on PostgreSQL with real transactions in threads: writers
never wait for each other on the trail, and several sealers at once give one correct chain."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from tests.factories import OrganisationFactory
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.sealing import audit_seal
from zakrila.audit.services import audit_record, audit_verify

pytestmark = [
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="SQLite serialises every writer; PostgreSQL is where writers run side by side",
    ),
    pytest.mark.django_db(transaction=True),
]

WAIT = 20  # seconds before a test gives up waiting on a thread (a failure, never a measure)


def _thread(target: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _view(organisation_id: int, object_id: int) -> AuditEvent:
    return audit_record(
        action=AuditAction.VIEW,
        organisation_id=organisation_id,
        object_type="people.person",
        object_id=object_id,
        person_id=object_id,
    )


def test_two_writers_of_one_organisation_do_not_wait_for_each_other():
    org = OrganisationFactory()
    first_written = threading.Event()
    release_first = threading.Event()
    second_committed = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        with transaction.atomic():
            _view(org.pk, 1)
            first_written.set()
            release_first.wait(WAIT)

    def second() -> None:
        first_written.wait(WAIT)
        with transaction.atomic():
            _view(org.pk, 2)
        second_committed.set()

    threads = [_thread(first, errors), _thread(second, errors)]
    committed_while_first_open = second_committed.wait(WAIT)
    first_still_open = not release_first.is_set()
    release_first.set()
    for thread in threads:
        thread.join(WAIT)
    assert not errors
    assert committed_while_first_open and first_still_open
    assert audit_seal().sealed == 2
    assert audit_verify() == []


def test_an_event_committed_late_is_sealed_after_those_sealed_before_it():
    org = OrganisationFactory()
    written = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []
    late: list[AuditEvent] = []

    def long_transaction() -> None:
        with transaction.atomic():
            late.append(_view(org.pk, 1))
            written.set()
            release.wait(WAIT)

    thread = _thread(long_transaction, errors)
    assert written.wait(WAIT)
    early = _view(org.pk, 2)  # committed at once (autocommit), with a higher id
    assert audit_seal().sealed == 1  # the sealer does not wait for the open transaction
    release.set()
    thread.join(WAIT)
    assert not errors
    assert audit_seal().sealed == 1
    assert late[0].pk < early.pk
    assert AuditEvent.objects.get(pk=early.pk).seq == 1
    assert AuditEvent.objects.get(pk=late[0].pk).seq == 2
    assert audit_verify() == []


def test_several_sealers_at_once_give_one_correct_chain_while_pages_write():
    orgs = [OrganisationFactory().pk for _ in range(3)]
    writers_done = threading.Event()
    errors: list[BaseException] = []
    per_writer = 60

    def writer(n: int) -> Callable[[], None]:
        def write() -> None:
            for i in range(per_writer):
                with transaction.atomic():
                    _view(orgs[(n + i) % len(orgs)], n * 1000 + i)

        return write

    def sealer() -> None:
        while True:
            done = writers_done.is_set()
            audit_seal(batch_size=7)
            if done and not AuditEvent.objects.filter(seq__isnull=True).exists():
                return

    writers = [_thread(writer(n), errors) for n in range(4)]
    sealers = [_thread(sealer, errors) for _ in range(4)]
    for thread in writers:
        thread.join(WAIT * 3)
    writers_done.set()
    for thread in sealers:
        thread.join(WAIT * 3)
    assert not errors
    assert AuditEvent.objects.count() == 4 * per_writer
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    for org in orgs:
        numbers = list(
            AuditEvent.objects.filter(organisation_id=org)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
    assert audit_verify() == []
