from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from zakrila.audit.models import AuditAction, AuditChainHead, AuditEvent
from zakrila.audit.services import audit_record, audit_verify, changes_between


def _events(org, n=5, actor=None):
    return [
        audit_record(
            action=AuditAction.VIEW,
            actor=actor,
            organisation_id=org.pk,
            object_type="people.person",
            object_id=i,
            person_id=i,
        )
        for i in range(1, n + 1)
    ]


def _raw(sql, params):
    """Tamper with the table as an attacker with full database access would: around the
    append-only triggers."""
    from importlib import import_module

    triggers = import_module("zakrila.audit.migrations.0002_append_only_trigger")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            for statement in triggers.SQLITE_DROP:
                cursor.execute(statement)
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            for statement in triggers.SQLITE_CREATE:
                cursor.execute(statement)


def test_events_form_a_chain_per_organisation(org, other_org, case_manager):
    first = _events(org, 3, actor=case_manager)
    other = _events(other_org, 2)
    assert [e.seq for e in first] == [1, 2, 3]
    assert [e.seq for e in other] == [1, 2]
    assert first[1].prev_hash == first[0].hash
    assert first[0].actor_label == "cm@example.bg"
    assert audit_verify() == []


def test_verify_names_an_altered_row(org):
    events = _events(org)
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["999", events[2].pk])
    problems = audit_verify()
    assert len(problems) == 1
    assert problems[0].seq == 3 and problems[0].kind == "altered"
    assert problems[0].event_id == events[2].pk


def test_verify_names_a_deleted_row(org):
    events = _events(org)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    problem = audit_verify()[0]
    assert problem.kind == "missing"
    assert problem.seq == 3  # the row after the gap


def test_verify_finds_rows_deleted_at_the_end(org):
    events = _events(org)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    problem = audit_verify()[0]
    assert problem.kind == "head"
    assert problem.seq == 5


def test_verify_names_an_inserted_row(org):
    events = _events(org)
    # Make room at number 3 and slip a forged row in, re-chained to its neighbour's hash.
    _raw(
        "UPDATE audit_auditevent SET seq = seq + 100 WHERE chain = %s AND seq >= 3",
        [events[0].chain],
    )
    forged = AuditEvent(
        chain=events[0].chain,
        seq=3,
        occurred_at=events[1].occurred_at,
        organisation_id=org.pk,
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id="42",
        prev_hash=events[1].hash,
    )
    forged.hash = forged.compute_hash()
    _raw(
        "INSERT INTO audit_auditevent (chain, seq, occurred_at, actor_label, organisation_id, action, "
        "object_type, object_id, changes, details, request_id, prev_hash, hash) "
        "VALUES (%s, %s, %s, '', %s, %s, %s, %s, '{}', '{}', '', %s, %s)",
        [
            forged.chain,
            3,
            forged.occurred_at,
            org.pk,
            "view",
            "people.person",
            "42",
            forged.prev_hash,
            forged.hash,
        ],
    )
    problem = audit_verify()[0]
    assert problem.seq in (3, 4, 103)
    assert problem.kind in ("inserted", "missing")


def test_verify_command_passes_and_fails(org, capsys):
    events = _events(org)
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["login", events[0].pk])
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert f"row id {events[0].pk}" in capsys.readouterr().err


def test_the_database_refuses_to_update_or_delete_audit_rows(org):
    event = _events(org, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_id="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_an_event_rolls_back_with_the_change_it_records(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        _events(org, 1)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()
    assert not AuditChainHead.objects.filter(seq__gt=0).exists()
    _events(org, 1)
    assert audit_verify() == []


def test_changes_hide_sensitive_values():
    changes = changes_between(
        {"first_name": "Иван", "health_notes": "епилепсия", "phone": "1"},
        {"first_name": "Иванка", "health_notes": "астма", "phone": "1"},
        sensitive={"health_notes"},
    )
    assert changes == {"first_name": {"old": "Иван", "new": "Иванка"}, "health_notes": "changed"}
