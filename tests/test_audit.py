from __future__ import annotations

import datetime as dt
import json
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zakrila.audit import services
from zakrila.audit.checkpoints import audit_checkpoint
from zakrila.audit.keys import current_key, key_from_text
from zakrila.audit.models import GENESIS_HASH, AuditAction, AuditChainHead, AuditEvent
from zakrila.audit.sealing import Sealer, audit_seal
from zakrila.audit.services import audit_record, audit_verify, changes_between

TRIGGERS = import_module("zakrila.audit.migrations.0003_keyed_sealed_chain")


def _write(org, n=5, actor=None):
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


def _events(org, n=5, actor=None):
    """Events written and sealed, as the sealer thread does within a second."""
    written = _write(org, n, actor)
    audit_seal()
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in written]).order_by("seq"))


def _raw(sql, params=()):
    """Tamper with the tables as an attacker with full database access would: around the
    append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            for statement in TRIGGERS.SQLITE_DROP:
                cursor.execute(statement)
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            for statement in TRIGGERS.SQLITE_CREATE:
                cursor.execute(statement)


def _rechain(chain, *, secret, key_id, from_seq=1):
    """Recompute the seals of a chain from ``from_seq`` on, as a forger would, and move the head
    to the new end."""
    events = list(AuditEvent.objects.filter(chain=chain, seq__gte=from_seq).order_by("seq"))
    prev = (
        AuditEvent.objects.get(chain=chain, seq=from_seq - 1).hash if from_seq > 1 else GENESIS_HASH
    )
    for event in events:
        event.prev_hash, event.key_id = prev, key_id
        event.hash = event.compute_hash(secret)
        _raw(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.key_id, event.pk],
        )
        prev = event.hash
    _raw(
        "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE chain = %s",
        [events[-1].seq, prev, chain],
    )


def test_events_form_a_chain_per_organisation(org, other_org, case_manager):
    first = _events(org, 3, actor=case_manager)
    other = _events(other_org, 2)
    assert [e.seq for e in first] == [1, 2, 3]
    assert [e.seq for e in other] == [1, 2]
    assert first[1].prev_hash == first[0].hash
    assert first[0].actor_label == "cm@example.bg"
    assert {e.key_id for e in first} == {current_key().key_id}
    assert audit_verify() == []


def test_writing_an_event_is_one_insert_with_no_lock_and_no_savepoint(org):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        event = audit_record(action=AuditAction.VIEW, organisation_id=org.pk, object_id=1)
    statements = [q["sql"] for q in queries.captured_queries]
    writes = [s for s in statements if not s.startswith(("BEGIN", "COMMIT"))]
    assert len(writes) == 1 and writes[0].startswith('INSERT INTO "audit_auditevent"'), writes
    assert not any("SAVEPOINT" in s or "FOR UPDATE" in s for s in statements)
    assert event.seq is None and event.hash == ""
    assert not AuditChainHead.objects.exists()


def test_the_sealer_chains_in_id_order_batch_by_batch(org):
    written = _write(org, 5)
    assert audit_seal(batch_size=2).sealed == 5
    events = AuditEvent.objects.filter(chain=f"org-{org.pk}").order_by("seq")
    assert [e.pk for e in events] == [e.pk for e in written]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert AuditChainHead.objects.get(chain=f"org-{org.pk}").seq == 5
    assert audit_seal().sealed == 0  # nothing left: sealing again changes nothing
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


def test_verify_names_an_inserted_row_even_when_sealed_with_the_key(org):
    events = _events(org)
    # Make room at number 3 and slip a forged row in, sealed with the real key.
    _raw(
        "UPDATE audit_auditevent SET seq = seq + 100 WHERE chain = %s AND seq >= 3",
        [events[0].chain],
    )
    key = current_key()
    forged = AuditEvent(
        id=events[-1].pk + 1000,
        chain=events[0].chain,
        seq=3,
        occurred_at=events[1].occurred_at,
        organisation_id=org.pk,
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id="42",
        prev_hash=events[1].hash,
        key_id=key.key_id,
    )
    forged.hash = forged.compute_hash(key.secret)
    _raw(
        "INSERT INTO audit_auditevent (id, chain, seq, occurred_at, actor_label, organisation_id, "
        "action, object_type, object_id, changes, details, request_id, prev_hash, hash, key_id, "
        "sealed_at) VALUES (%s, %s, 3, %s, '', %s, 'view', 'people.person', '42', '{}', '{}', '', "
        "%s, %s, %s, %s)",
        [
            forged.pk,
            forged.chain,
            forged.occurred_at,
            org.pk,
            forged.prev_hash,
            forged.hash,
            forged.key_id,
            timezone.now(),
        ],
    )
    problem = audit_verify()[0]
    assert problem.kind == "missing"
    assert problem.seq == 103


def test_a_rechain_forged_without_the_key_is_detected(org):
    events = _events(org)
    # The forger alters number 3 and recomputes every seal from there, keeping the key's id
    # on the rows, with a key of their own (plain SHA-256 or a guess).
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["999", events[2].pk])
    _rechain(events[0].chain, secret=b"a guessed key", key_id=current_key().key_id, from_seq=3)
    problems = audit_verify()
    assert [(p.kind, p.seq, p.event_id) for p in problems] == [("altered", 3, events[2].pk)]


def test_a_whole_chain_resealed_with_another_key_is_detected(org):
    events = _events(org)
    forger = key_from_text("the forger's own key")
    _rechain(events[0].chain, secret=forger.secret, key_id=forger.key_id)
    problem = audit_verify()[0]
    assert (problem.kind, problem.seq) == ("key", 1)
    assert forger.key_id in problem.describe()


def test_after_a_key_rotation_old_and_new_seals_verify_together(org, settings):
    old_key = settings.ZAKRILA_AUDIT_KEY
    _events(org, 3)
    settings.ZAKRILA_AUDIT_KEY = "a new key, rotated in"
    settings.ZAKRILA_AUDIT_PREVIOUS_KEYS = [old_key]
    events = _events(org, 2)
    assert [e.seq for e in events] == [4, 5]
    assert events[0].key_id == key_from_text("a new key, rotated in").key_id
    assert audit_verify() == []
    settings.ZAKRILA_AUDIT_PREVIOUS_KEYS = []  # the old key was dropped too early
    problem = audit_verify()[0]
    assert (problem.kind, problem.seq) == ("key", 1)


def test_verify_command_passes_and_fails(org, capsys):
    events = _events(org)
    call_command("audit", "verify")
    assert "OK: 5 audit events" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["login", events[0].pk])
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert f"row id {events[0].pk}" in capsys.readouterr().err


def test_checkpoints_find_a_truncated_trail(org, other_org, tmp_path, capsys):
    _events(org, 4)
    _events(other_org, 2)
    checkpoints = tmp_path / "checkpoints.jsonl"
    call_command("audit", "checkpoint", "--file", str(checkpoints))
    lines = [json.loads(line) for line in checkpoints.read_text().splitlines()]
    assert {(line["chain"], line["seq"]) for line in lines} == {
        (f"org-{org.pk}", 4),
        (f"org-{other_org.pk}", 2),
    }
    _raw("DELETE FROM audit_auditevent")
    _raw("DELETE FROM audit_auditchainhead")
    assert audit_verify() == []  # inside the database, nothing can tell
    problems = audit_verify(checkpoints=checkpoints)
    assert {(p.chain, p.kind, p.seq) for p in problems} == {
        (f"org-{org.pk}", "short", 4),
        (f"org-{other_org.pk}", "short", 2),
    }
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--checkpoints", str(checkpoints))
    assert f"chain org-{org.pk}, number 4: the chain is shorter" in capsys.readouterr().err


def test_checkpoints_find_a_cut_tail_with_the_head_moved_back(org, tmp_path):
    events = _events(org, 5)
    checkpoints = tmp_path / "checkpoints.jsonl"
    audit_checkpoint(file=checkpoints)
    _events(org, 1)  # a later event, after the checkpoint
    cut = [e.pk for e in events[3:]] + [AuditEvent.objects.get(chain=events[0].chain, seq=6).pk]
    _raw(f"DELETE FROM audit_auditevent WHERE id IN ({','.join(map(str, cut))})")
    _raw(
        "UPDATE audit_auditchainhead SET seq = 3, hash = %s WHERE chain = %s",
        [events[2].hash, events[0].chain],
    )
    assert audit_verify() == []  # the head agrees with the cut chain
    problems = audit_verify(checkpoints=checkpoints)
    assert [(p.kind, p.seq) for p in problems] == [("short", 5)]
    assert "it ends at number 3" in problems[0].describe()


def test_checkpoints_find_a_tail_rechained_with_the_key(org, tmp_path):
    events = _events(org, 5)
    checkpoints = tmp_path / "checkpoints.jsonl"
    audit_checkpoint(file=checkpoints)
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["999", events[3].pk])
    key = current_key()
    _rechain(events[0].chain, secret=key.secret, key_id=key.key_id, from_seq=4)
    assert audit_verify() == []  # whoever holds the key can re-chain...
    problems = audit_verify(checkpoints=checkpoints)
    assert [(p.kind, p.seq, p.event_id) for p in problems] == [("rewritten", 5, events[4].pk)]


def test_a_checkpoint_line_edited_in_the_file_is_reported(org, tmp_path):
    _events(org, 5)
    checkpoints = tmp_path / "checkpoints.jsonl"
    audit_checkpoint(file=checkpoints)
    line = json.loads(checkpoints.read_text())
    line["seq"] = 2  # pretend the chain was shorter when checkpointed
    checkpoints.write_text(json.dumps(line) + "\n")
    problems = audit_verify(checkpoints=checkpoints)
    assert [(p.kind, p.seq) for p in problems] == [("checkpoint", 2)]


def test_checkpoints_sent_to_syslog_are_read_back_from_the_log(org, tmp_path):
    import socket

    _events(org, 2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(5)
        audit_checkpoint(file="", syslog=f"127.0.0.1:{receiver.getsockname()[1]}")
        message = receiver.recv(4096).decode()
    assert "zakrila-audit-checkpoint " in message
    log = tmp_path / "syslog"
    log.write_text("Nov 27 10:00:00 app1 " + message.split(">", 1)[1] + "\n")
    assert audit_verify(checkpoints=log) == []
    _raw("DELETE FROM audit_auditevent")
    assert [p.kind for p in audit_verify(checkpoints=log)] == ["head", "short"]


def test_verify_reports_events_left_unsealed_past_the_threshold(org, monkeypatch):
    _events(org, 2)
    fresh = _write(org, 1)[0]
    monkeypatch.setattr(
        services,
        "timezone",
        SimpleNamespace(now=lambda: timezone.now() - dt.timedelta(minutes=5)),
    )
    stale = _write(org, 2)
    assert [p.kind for p in audit_verify(unsealed_after=dt.timedelta(minutes=10))] == []
    problems = audit_verify(unsealed_after=dt.timedelta(seconds=60))
    assert [(p.kind, p.event_id) for p in problems] == [("unsealed", stale[0].pk)]
    assert "2 event(s) unsealed for more than 60 s" in problems[0].describe()
    assert fresh.pk != stale[0].pk
    audit_seal()
    assert audit_verify(unsealed_after=dt.timedelta(seconds=60)) == []


def test_the_sealer_refuses_to_extend_a_chain_cut_at_its_end(org):
    events = _events(org, 3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    _write(org, 1)
    result = audit_seal()
    assert result.sealed == 0
    assert (
        "the head says number 3 but the last sealed event is number 2"
        in (result.refused[events[0].chain])
    )
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 1


def test_the_sealer_loop_refuses_a_head_that_went_back(org):
    sealer = Sealer()
    events = _events(org, 3)
    _write(org, 1)
    assert sealer.run_once().sealed == 1
    _raw("DELETE FROM audit_auditevent WHERE chain = %s AND seq >= 3", [events[0].chain])
    _raw(
        "UPDATE audit_auditchainhead SET seq = 2, hash = %s WHERE chain = %s",
        [events[1].hash, events[0].chain],
    )
    _write(org, 1)
    result = sealer.run_once()
    assert result.sealed == 0
    assert "went back from number 4 to 2" in result.refused[events[0].chain]


def test_the_database_refuses_to_update_or_delete_audit_rows(org):
    event = _events(org, 1)[0]
    unsealed = _write(org, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_id="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():  # a seal is written once
        AuditEvent.objects.filter(pk=event.pk).update(hash="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():  # an unsealed row stays as written
        AuditEvent.objects.filter(pk=unsealed.pk).update(object_id="x")
    with pytest.raises(DatabaseError), transaction.atomic():  # even while sealing it
        AuditEvent.objects.filter(pk=unsealed.pk).update(
            object_id="x", seq=2, hash="1" * 64, key_id="k", sealed_at=timezone.now()
        )


def test_the_database_refuses_to_move_a_chain_head_back_or_delete_it(org):
    event = _events(org, 2)[-1]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.filter(chain=event.chain).update(seq=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.filter(chain=event.chain).delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_to_truncate_the_trail_for_any_but_a_superuser(org):
    _events(org, 1)
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE zakrila_audit_test_owner NOLOGIN")
        try:
            cursor.execute("ALTER TABLE audit_auditevent OWNER TO zakrila_audit_test_owner")
            cursor.execute("ALTER TABLE audit_auditchainhead OWNER TO zakrila_audit_test_owner")
            cursor.execute("SET ROLE zakrila_audit_test_owner")
            for table in ("audit_auditevent", "audit_auditchainhead"):
                with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
                    cursor.execute(f"TRUNCATE {table}")
        finally:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.count() == 1


def test_an_event_rolls_back_with_the_change_it_records(org):
    with pytest.raises(RuntimeError), transaction.atomic():
        _write(org, 1)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()
    _events(org, 1)
    assert AuditEvent.objects.get().seq == 1
    assert audit_verify() == []


def test_changes_hide_sensitive_values():
    changes = changes_between(
        {"first_name": "Иван", "health_notes": "епилепсия", "phone": "1"},
        {"first_name": "Иванка", "health_notes": "астма", "phone": "1"},
        sensitive={"health_notes"},
    )
    assert changes == {"first_name": {"old": "Иван", "new": "Иванка"}, "health_notes": "changed"}


def test_the_trail_keeps_one_index_per_question_and_none_twice(db):
    """Every page view writes an event: the actor's and the organisation's own indexes were
    written for nothing, since the organisation leads the indexes by time and by actor and
    time, and the actor is only looked for within an organisation. Gone on both databases, the
    others kept; the actor's index leads with the organisation (by the actor alone PostgreSQL
    walked an organisation's whole trail for a worker who did nothing there)."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "audit_auditevent")
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    assert ("actor_id",) not in indexed and ("organisation_id",) not in indexed
    assert ("actor_id", "occurred_at") not in indexed
    assert ("organisation_id", "actor_id", "occurred_at") in indexed
    assert ("organisation_id", "occurred_at") in indexed
