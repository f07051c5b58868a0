"""Events are written unsealed and sealed later by the sealer with a keyed HMAC.

The seal columns become empty until the sealer fills them, once; the database still refuses
every other UPDATE, every DELETE and (PostgreSQL) TRUNCATE of the trail, and moving a chain's
head backwards. Events written before this migration are un-sealed here and sealed again by the
sealer with the key (their SHA-256 chain had no key): run ``zakrila audit verify`` with the
previous version before upgrading.
"""

from django.db import migrations, models

SEAL_COLUMNS = ("seq", "prev_hash", "hash", "key_id", "sealed_at")
# Every other column of audit_auditevent must stay as inserted (SQLite lists them; a column
# added to the model later must be added here too. PostgreSQL compares whole rows).
CONTENT_COLUMNS = (
    "id",
    "chain",
    "occurred_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "changes",
    "details",
    "ip_address",
    "request_id",
)

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    -- The one UPDATE allowed: the sealer's, once, on an unsealed row, touching only the seal.
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND NEW.hash <> '' AND NEW.key_id <> '' AND NEW.sealed_at IS NOT NULL
       AND (to_jsonb(NEW) - '{seq,prev_hash,hash,key_id,sealed_at}'::text[])
           = (to_jsonb(OLD) - '{seq,prev_hash,hash,key_id,sealed_at}'::text[]) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.chain = OLD.chain
       AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditchainhead only moves forward: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    -- A superuser bypasses every trigger anyway (session_replication_role); letting them
    -- TRUNCATE keeps test databases flushable. The application role must not be one
    -- (check zakrila.W201), nor own these tables (docs/operations.md).
    IF current_setting('is_superuser') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
CREATE TRIGGER audit_head_forward_only
    BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate
    BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_auditchainhead;
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_event_append_only();
DROP FUNCTION IF EXISTS audit_head_forward_only();
DROP FUNCTION IF EXISTS audit_refuse_truncate();
"""

_unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CONTENT_COLUMNS)
SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    WHEN NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash <> '' AND NEW.key_id <> ''
              AND NEW.sealed_at IS NOT NULL AND {_unchanged})
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_head_no_update BEFORE UPDATE ON audit_auditchainhead
    WHEN NOT (NEW.chain IS OLD.chain
              AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash IS OLD.hash)))
    BEGIN SELECT RAISE(ABORT, 'audit_auditchainhead only moves forward: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
    BEGIN SELECT RAISE(ABORT, 'audit_auditchainhead only moves forward: DELETE refused'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    "DROP TRIGGER IF EXISTS audit_head_no_update;",
    "DROP TRIGGER IF EXISTS audit_head_no_delete;",
]

# The triggers of 0002.
OLD_POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
OLD_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
]


def _execute(schema_editor, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql, params=None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)


def drop_old_triggers(apps, schema_editor):
    _execute(schema_editor, OLD_POSTGRESQL_DROP, OLD_SQLITE_DROP)


def create_triggers(apps, schema_editor):
    _execute(schema_editor, POSTGRESQL_CREATE, SQLITE_CREATE)


def drop_triggers(apps, schema_editor):
    _execute(schema_editor, POSTGRESQL_DROP, SQLITE_DROP)


def unseal_existing_events(apps, schema_editor):
    """The old chains were unkeyed SHA-256: the sealer seals every event again with the key."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditEvent.objects.update(seq=None, prev_hash="", hash="", key_id="", sealed_at=None)
    AuditChainHead.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.RunPython(drop_old_triggers, migrations.RunPython.noop),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="key id"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sealed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sealed at"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="hash"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="previous hash"
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                blank=True, null=True, verbose_name="number in chain"
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)),
                fields=["chain", "id"],
                name="audit_unsealed_idx",
            ),
        ),
        migrations.RunPython(unseal_existing_events, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
